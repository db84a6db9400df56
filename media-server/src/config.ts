/**
 * The media server's configuration as data: every setting once, with its environment variable, its default (one that
 * runs on one machine) and what it means. `loadConfig` is the one env parser; tests pass typed overrides instead of
 * env strings. The README's configuration table lists the same rows (config.test.ts checks it).
 */
import { GlintError } from '@glint/media-core';
import { DEFAULT_API_LIMITS, DEFAULT_FAILED_ATTEMPT_LIMITS, MIN_STREAM_KEY_LENGTH } from '@glint/platform';
import { LLHLS_OUTPUT_DEFAULTS } from './adapters/llhls-outputs.ts';
import { DEFAULT_HTTP_LIMITS } from './servers/http.ts';
import { RTMP_SERVER_DEFAULTS } from './servers/rtmp.ts';
import { DEFAULT_BODY_TIMEOUT_MS } from './servers/whip/http-replies.ts';
import { DEFAULT_OFFER_ADMISSION_LIMITS } from './servers/whip/offer-admission.ts';
import { PEER_TIMEOUT_DEFAULTS } from './sfu/peer-watch.ts';
import { SFU_DEFAULTS } from './sfu/werift-sfu.ts';
import { OPUS_BITRATE_KBPS } from './transcode/aac-to-opus.ts';
import { H264_REENCODE_BITRATE_KBPS, H264_REENCODE_KEYFRAME_INTERVAL_MS } from './transcode/h264-reencoder.ts';
import { LADDER_LOAD } from './transcode/ladder/ladder-load.ts';
import { DEFAULT_LADDER_SPEC, parseLadderSpec } from './transcode/ladder/ladder-spec.ts';
import type { RungSpec } from './transcode/ladder/types.ts';

/** A setting Glint cannot use; the message names the variable (or key) and what it accepts. */
export class ConfigError extends GlintError<'CONFIG_INVALID'> {
  override readonly name = 'ConfigError';
  constructor(message: string) {
    super('CONFIG_INVALID', message);
  }
}

/** How log lines are written: `auto` is human-readable on a terminal and JSON otherwise. */
export type LogFormat = 'auto' | 'json' | 'pretty';
export type SfuEngineChoice = 'auto' | 'werift' | 'mediasoup';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** Settings whose default follows another setting. */
interface Derivable {
  readonly segmentTargetMs: number;
}

interface Setting<T> {
  readonly env: string;
  /** Another variable read when `env` is unset (a conventional name such as DATABASE_URL). */
  readonly alias?: string;
  /** The README's "meaning" column. */
  readonly doc: string;
  /** A value, or one computed from the settings it follows. */
  readonly default: T | ((settled: Derivable) => T);
  /** How the README states the default when it is not a plain value. */
  readonly defaultText?: string;
  /** Raw env text to a value; throws a message without the variable's name (the caller adds it). */
  readonly parse: (raw: string) => T;
  /** A reason the value is unusable (env or override alike), or undefined. */
  readonly check?: (value: T) => string | undefined;
  /** The README table the row belongs in. */
  readonly group: 'server' | 'limits';
  /** Never logged or echoed in an error. */
  readonly secret?: true;
}

const text = (raw: string): string => raw;

function integer(raw: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(value)) throw new Error(`must be an integer, got "${raw}"`);
  return value;
}

/** Ports may be 0 (any free port); caps and timeouts must be ≥ 1, or nothing is admitted. */
const atLeast =
  (min: number) =>
  (value: number): string | undefined =>
    Number.isInteger(value) && value >= min ? undefined : `must be an integer ≥ ${min}, got ${value}`;

function boolean(raw: string): boolean {
  const lower = raw.toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(lower)) return true;
  if (['0', 'false', 'no', 'off'].includes(lower)) return false;
  throw new Error(`must be true or false, got "${raw}"`);
}

function oneOf<T extends string>(values: readonly T[]): (raw: string) => T {
  return (raw) => {
    if ((values as readonly string[]).includes(raw)) return raw as T;
    throw new Error(`must be one of ${values.join(', ')}, got "${raw}"`);
  };
}

const list = (raw: string): readonly string[] =>
  raw
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

function streamKeyCheck(key: string | undefined): string | undefined {
  if (key === undefined || key.length >= MIN_STREAM_KEY_LENGTH) return undefined;
  return `must be at least ${MIN_STREAM_KEY_LENGTH} characters (got ${key.length}); unset it for a random key`;
}

const setting = <T>(s: Setting<T>): Setting<T> => s;
const int = (
  env: string,
  fallback: number | ((settled: Derivable) => number),
  doc: string,
  extra: { min?: number; group?: 'server' | 'limits'; defaultText?: string } = {},
): Setting<number> =>
  setting({
    env,
    doc,
    default: fallback,
    parse: integer,
    check: atLeast(extra.min ?? 1),
    group: extra.group ?? 'server',
    ...(extra.defaultText ? { defaultText: extra.defaultText } : {}),
  });

/** Every setting of the media server, in the README's order. */
export const SETTINGS = {
  host: setting({
    env: 'GLINT_HOST',
    default: '0.0.0.0',
    parse: text,
    doc: 'address the HTTP and RTMP servers bind to',
    group: 'server',
  }),
  httpPort: int('GLINT_HTTP_PORT', 8080, 'HTTP: playlists, watch page, health, metrics', { min: 0 }),
  rtmpPort: int('GLINT_RTMP_PORT', 1935, 'RTMP ingest', { min: 0 }),
  llhlsWorkers: int(
    'GLINT_LLHLS_WORKERS',
    0,
    'processes serving LL-HLS on `GLINT_LLHLS_PORT`, sharing it (as many as cores: every core serves viewers); 0: none, LL-HLS on the HTTP port only',
    { min: 0 },
  ),
  llhlsPort: int(
    'GLINT_LLHLS_PORT',
    8081,
    'LL-HLS alone (`/live/…`), served by the `GLINT_LLHLS_WORKERS` processes: point edge caches and big audiences here',
    { min: 0 },
  ),
  publicHost: setting({
    env: 'GLINT_PUBLIC_HOST',
    default: 'localhost',
    parse: text,
    doc: 'host name printed in URLs for viewers and OBS',
    group: 'server',
  }),
  demoStreamKey: setting<string | undefined>({
    env: 'GLINT_DEMO_STREAM_KEY',
    default: undefined,
    defaultText: 'random per start',
    parse: text,
    check: streamKeyCheck,
    doc: `stream key of the demo channel (at least ${MIN_STREAM_KEY_LENGTH} characters)`,
    group: 'server',
    secret: true,
  }),
  databaseUrl: setting({
    env: 'GLINT_DATABASE_URL',
    alias: 'DATABASE_URL',
    default: 'sqlite:data/glint.db',
    parse: text,
    check: (url) =>
      /^(sqlite:.+|postgres(ql)?:\/\/.+)$/.test(url)
        ? undefined
        : 'must be sqlite:<file> or postgres://user@host/database',
    doc: 'accounts, channels and keys: `sqlite:<file>` (created at start) or `postgres://…`; `DATABASE_URL` is read too',
    group: 'server',
    secret: true,
  }),
  dataDir: setting({
    env: 'GLINT_DATA_DIR',
    default: 'data',
    parse: text,
    check: (dir) => (dir.trim() === '' ? 'must be a folder' : undefined),
    doc: 'archived broadcasts (VOD segments), clips and thumbnails are written under this folder (created at start)',
    group: 'server',
  }),
  vodRetentionDays: int(
    'GLINT_VOD_RETENTION_DAYS',
    0,
    'VODs of broadcasts that ended longer ago than this are deleted (clips made from them stay); 0 keeps them for good',
    { min: 0 },
  ),
  redisUrl: setting<string | undefined>({
    env: 'GLINT_REDIS_URL',
    alias: 'REDIS_URL',
    default: undefined,
    defaultText: '(none: chat in memory)',
    parse: text,
    check: (url) =>
      url === undefined || /^rediss?:\/\/.+/.test(url) ? undefined : 'must be redis://host:port (or rediss://)',
    doc: 'chat fan-out, history and limits shared across pods through Redis; `REDIS_URL` is read too',
    group: 'server',
    secret: true,
  }),
  trustProxy: setting({
    env: 'GLINT_TRUST_PROXY',
    default: '',
    defaultText: '(none)',
    parse: text,
    check: (value) =>
      /^\d+$/.test(value.trim())
        ? 'must be the proxy’s addresses or CIDRs (or true), not a hop count: with a count, a client that reaches Glint directly picks its own address in X-Forwarded-For'
        : undefined,
    doc: 'behind a reverse proxy: its addresses/CIDRs (comma-separated), or `true` when only the proxy can reach Glint; clients are then known by X-Forwarded-For for every per-address limit',
    group: 'server',
  }),
  secureCookies: setting({
    env: 'GLINT_SECURE_COOKIES',
    default: false,
    parse: boolean,
    doc: 'mark the session cookie `Secure` (set it when viewers reach Glint over HTTPS)',
    group: 'server',
  }),
  webhookAllowPrivate: setting({
    env: 'GLINT_WEBHOOK_ALLOW_PRIVATE',
    default: false,
    parse: boolean,
    doc: 'let channel webhooks target loopback and private addresses (a receiver on this machine or LAN); off, they are refused (SSRF)',
    group: 'server',
  }),
  demoBroadcast: setting({
    env: 'GLINT_DEMO_BROADCAST',
    default: true,
    parse: boolean,
    doc: 'run the built-in test-pattern broadcaster on the demo channel',
    group: 'server',
  }),
  demoArchive: setting({
    env: 'GLINT_DEMO_ARCHIVE',
    default: false,
    parse: boolean,
    doc: 'archive the demo broadcast too (DVR, VOD, clips); off by default: it runs as long as the server does, about 2 GB an hour with the ladder',
    group: 'server',
  }),
  partTargetMs: int('GLINT_PART_TARGET_MS', 200, 'LL-HLS part target (PART-TARGET)'),
  segmentTargetMs: int(
    'GLINT_SEGMENT_TARGET_MS',
    1000,
    'segment target; segments cut at the first keyframe after it (set the encoder’s keyframe interval to it)',
  ),
  maxSegmentMs: int(
    'GLINT_MAX_SEGMENT_MS',
    (s) => 4 * s.segmentTargetMs,
    'a segment is cut here even without a keyframe (a keyframe is asked for at 2 × target)',
    { defaultText: '4 × segment target' },
  ),
  reconnectGraceMs: int(
    'GLINT_RECONNECT_GRACE_MS',
    5000,
    'a publisher back within this long continues after EXT-X-DISCONTINUITY; later, ENDLIST',
  ),
  llhlsEndedRetentionMs: int(
    'GLINT_LLHLS_ENDED_RETENTION_MS',
    LLHLS_OUTPUT_DEFAULTS.endedRetentionMs,
    'an ended channel’s playlist (with ENDLIST) stays served this long, then its output is freed (URLs answer 404)',
  ),
  llhlsStartWaitMs: int(
    'GLINT_LLHLS_START_WAIT_MS',
    LLHLS_OUTPUT_DEFAULTS.startWaitMs,
    'a multivariant playlist request waits this long for a starting stream’s tracks before 503',
  ),
  whipKeyframeIntervalMs: int(
    'GLINT_WHIP_KEYFRAME_INTERVAL_MS',
    (s) => s.segmentTargetMs,
    'a WHIP publisher is asked for a keyframe this often (browsers send none by themselves)',
    { defaultText: 'segment target' },
  ),
  rtmpIdleTimeoutMs: int(
    'GLINT_RTMP_IDLE_TIMEOUT_MS',
    RTMP_SERVER_DEFAULTS.idleTimeoutMs,
    'an RTMP publisher that sends no media message for this long is dropped (a byte trickle does not count)',
  ),
  logLevel: setting<LogLevel>({
    env: 'GLINT_LOG_LEVEL',
    default: 'info',
    parse: oneOf<LogLevel>(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    doc: 'pino log level: fatal, error, warn, info, debug, trace or silent',
    group: 'server',
  }),
  logFormat: setting<LogFormat>({
    env: 'GLINT_LOG_FORMAT',
    default: 'auto',
    parse: oneOf<LogFormat>(['auto', 'json', 'pretty']),
    doc: '`pretty`: readable lines; `json`: one JSON object a line; `auto`: pretty on a terminal, JSON otherwise',
    group: 'server',
  }),
  webrtcBindAddress: setting({
    env: 'GLINT_WEBRTC_BIND',
    default: '127.0.0.1',
    parse: text,
    doc: 'address the SFU’s UDP sockets bind to (set a LAN/public interface to serve other machines)',
    group: 'server',
  }),
  webrtcPublicIps: setting<readonly string[]>({
    env: 'GLINT_WEBRTC_PUBLIC_IPS',
    default: [],
    defaultText: '(none)',
    parse: list,
    doc: 'comma-separated addresses advertised in ICE candidates, e.g. a server’s public IP; none: the bind address',
    group: 'server',
  }),
  sfuEngine: setting<SfuEngineChoice>({
    env: 'GLINT_SFU_ENGINE',
    default: 'auto',
    parse: oneOf<SfuEngineChoice>(['auto', 'werift', 'mediasoup']),
    doc: '`werift`: the pure-TypeScript SFU; `mediasoup`: C++ workers, one per core (built once into a cache, `npm run sfu:build`; werift until then); `auto`: mediasoup when built and channels have one layer (`GLINT_LADDER=source`), werift otherwise (it switches WebRTC viewers between ladder rungs)',
    group: 'server',
  }),
  sfuWorkers: int('GLINT_SFU_WORKERS', 0, 'mediasoup workers; 0: one per core', {
    min: 0,
    defaultText: '0 (one per core)',
  }),
  webrtcKeyframeIntervalMs: int(
    'GLINT_WEBRTC_KEYFRAME_INTERVAL_MS',
    SFU_DEFAULTS.keyframeIntervalMs,
    'WHEP viewers’ keyframe requests (PLI, FIR) reach a source at most once per this interval',
  ),
  webrtcOpusBitrateKbps: int(
    'GLINT_WEBRTC_OPUS_BITRATE_KBPS',
    OPUS_BITRATE_KBPS,
    'bitrate of the Opus audio WHEP viewers of an RTMP (AAC) stream get, kbit/s',
  ),
  webrtcReencodeBitrateKbps: int(
    'GLINT_WEBRTC_REENCODE_BITRATE_KBPS',
    H264_REENCODE_BITRATE_KBPS,
    'bitrate of the B-frame-free video WHEP viewers of an RTMP stream with B-frames get, kbit/s',
  ),
  webrtcReencodeKeyframeIntervalMs: int(
    'GLINT_WEBRTC_REENCODE_KEYFRAME_INTERVAL_MS',
    H264_REENCODE_KEYFRAME_INTERVAL_MS,
    'keyframe interval of that re-encoded video (a viewer joins at the next one)',
  ),
  ladder: setting<readonly RungSpec[]>({
    env: 'GLINT_LADDER',
    default: parseLadderSpec(DEFAULT_LADDER_SPEC),
    defaultText: `\`${DEFAULT_LADDER_SPEC}\``,
    parse: parseLadderSpec,
    doc: 'transcoded renditions per channel, `<height>p<fps>:<kbit/s>` comma-separated (rungs not below the source’s height are skipped), or `source` for none',
    group: 'server',
  }),
  ladderMaxLagMs: int(
    'GLINT_LADDER_MAX_LAG_MS',
    LADDER_LOAD.maxLagMs,
    'the ladder sheds its top rung when its ffmpeg stays this far behind the source for 3 s (a machine too busy to transcode)',
  ),
  edgeToken: setting<string | undefined>({
    env: 'GLINT_EDGE_TOKEN',
    default: undefined,
    defaultText: '(none)',
    parse: text,
    doc: 'Bearer token edge SFUs (`npm run sfu:edge -- --edge-token …`) send with their viewer counts; unset: edges count as one viewer each',
    group: 'server',
    secret: true,
  }),
  metricsToken: setting<string | undefined>({
    env: 'GLINT_METRICS_TOKEN',
    default: undefined,
    defaultText: '(none)',
    parse: text,
    doc: 'Bearer token `/metrics` requires; unset: `/metrics` answers loopback clients only',
    group: 'server',
    secret: true,
  }),

  rtmpMaxConnections: int(
    'GLINT_RTMP_MAX_CONNECTIONS',
    RTMP_SERVER_DEFAULTS.maxConnections,
    'RTMP sockets open at once, publishing or not; more are closed on arrival',
    { group: 'limits' },
  ),
  rtmpMaxConnectionsPerIp: int(
    'GLINT_RTMP_MAX_CONNECTIONS_PER_IP',
    RTMP_SERVER_DEFAULTS.maxConnectionsPerIp,
    'RTMP sockets per IPv4 address or IPv6 /64',
    { group: 'limits' },
  ),
  rtmpPublishDeadlineMs: int(
    'GLINT_RTMP_PUBLISH_DEADLINE_MS',
    RTMP_SERVER_DEFAULTS.publishDeadlineMs,
    'handshake + connect + accepted publish must finish within this long of the socket opening',
    { group: 'limits' },
  ),
  publishMaxFailedKeys: int(
    'GLINT_PUBLISH_MAX_FAILED_KEYS',
    DEFAULT_FAILED_ATTEMPT_LIMITS.maxFailures,
    'wrong stream keys an address (IPv6: /64) may try in the window; then it is refused (WHIP: 429) until the window ends',
    { group: 'limits' },
  ),
  publishFailedKeyWindowMs: int(
    'GLINT_PUBLISH_FAILED_KEY_WINDOW_MS',
    DEFAULT_FAILED_ATTEMPT_LIMITS.windowMs,
    'that window, RTMP and WHIP alike',
    { group: 'limits' },
  ),
  apiRequestsPerMinutePerIp: int(
    'GLINT_API_RATE_PER_IP',
    DEFAULT_API_LIMITS.perIpPerMinute,
    '`/api` requests per minute from one address (IPv6: /64); then 429 `RATE_LIMITED`',
    { group: 'limits' },
  ),
  archiveMaxQueueBytes: int(
    'GLINT_ARCHIVE_MAX_QUEUE_BYTES',
    64 * 1024 * 1024,
    'segments waiting for a slow disk, in bytes over every channel; beyond it segments are skipped (a discontinuity in the VOD), never live parts delayed',
    { group: 'limits' },
  ),
  clipsPerHourPerUser: int(
    'GLINT_CLIPS_PER_HOUR',
    10,
    'clips one signed-in user (or, anonymous, one address) may ask for per hour',
    { group: 'limits' },
  ),
  clipMaxQueued: int(
    'GLINT_CLIP_MAX_QUEUED',
    20,
    'clips waiting to be made at once, over every user; more are refused with 503 until the queue drains',
    { group: 'limits' },
  ),
  apiRequestsPerMinutePerAccount: int(
    'GLINT_API_RATE_PER_ACCOUNT',
    DEFAULT_API_LIMITS.perAccountPerMinute,
    '`/api` requests per minute from one signed-in account, from any address',
    { group: 'limits' },
  ),
  httpMaxConnections: int(
    'GLINT_HTTP_MAX_CONNECTIONS',
    DEFAULT_HTTP_LIMITS.maxConnections,
    'HTTP connections open at once',
    { group: 'limits' },
  ),
  httpRequestTimeoutMs: int(
    'GLINT_HTTP_REQUEST_TIMEOUT_MS',
    DEFAULT_HTTP_LIMITS.requestTimeoutMs,
    'a whole HTTP request (headers and body) must arrive within this long',
    { group: 'limits' },
  ),
  webrtcMaxPending: int(
    'GLINT_WEBRTC_MAX_PENDING',
    DEFAULT_OFFER_ADMISSION_LIMITS.maxPending,
    'WHIP/WHEP sessions answered but not yet connected (ICE + DTLS), in total (then 503 + Retry-After)',
    { group: 'limits' },
  ),
  webrtcMaxPendingPerIp: int(
    'GLINT_WEBRTC_MAX_PENDING_PER_IP',
    DEFAULT_OFFER_ADMISSION_LIMITS.maxPendingPerAddress,
    'the same per address (then 429 + Retry-After)',
    { group: 'limits' },
  ),
  webrtcOfferBurst: int(
    'GLINT_WEBRTC_OFFER_BURST',
    DEFAULT_OFFER_ADMISSION_LIMITS.offerBurst,
    'WHIP/WHEP offers per address in a burst',
    { group: 'limits' },
  ),
  webrtcOffersPerSec: int(
    'GLINT_WEBRTC_OFFERS_PER_SEC',
    DEFAULT_OFFER_ADMISSION_LIMITS.offersPerSecond,
    'offers per address per second after the burst (then 429 `OFFER_RATE_LIMITED`)',
    { group: 'limits' },
  ),
  webrtcBodyTimeoutMs: int(
    'GLINT_WEBRTC_BODY_TIMEOUT_MS',
    DEFAULT_BODY_TIMEOUT_MS,
    'a WHIP/WHEP offer body must arrive within this long (then 408)',
    { group: 'limits' },
  ),
  webrtcConnectTimeoutMs: int(
    'GLINT_WEBRTC_CONNECT_TIMEOUT_MS',
    PEER_TIMEOUT_DEFAULTS.connectTimeoutMs,
    'a WHIP publisher or WHEP viewer must complete ICE + DTLS within this long of its answer',
    { group: 'limits' },
  ),
  webrtcDisconnectedGraceMs: int(
    'GLINT_WEBRTC_DISCONNECTED_GRACE_MS',
    PEER_TIMEOUT_DEFAULTS.disconnectedGraceMs,
    'a WebRTC peer whose connection stays `disconnected` this long is dropped',
    { group: 'limits' },
  ),
  webrtcIdleTimeoutMs: int(
    'GLINT_WEBRTC_IDLE_TIMEOUT_MS',
    PEER_TIMEOUT_DEFAULTS.idleTimeoutMs,
    'a connected WebRTC peer from which nothing arrives this long (it left without DELETE) is dropped',
    { group: 'limits' },
  ),
  webrtcMaxInFlightSends: int(
    'GLINT_WEBRTC_MAX_IN_FLIGHT_SENDS',
    SFU_DEFAULTS.maxInFlightSends,
    'RTP sends to one WHEP viewer not yet settled before it counts as stuck and is dropped',
    { group: 'limits' },
  ),
} as const;

type Settings = typeof SETTINGS;
type ValueOf<S> = S extends Setting<infer T> ? T : never;

/** The media server's configuration; see SETTINGS for each key's variable, default and meaning. */
export type Config = { readonly [K in keyof Settings]: ValueOf<Settings[K]> };
export type ConfigKey = keyof Config;

const KEYS = Object.keys(SETTINGS) as ConfigKey[];

/**
 * Defaults, then the environment, then `overrides` (typed: what tests use instead of env strings). Every value is
 * checked, from env or override alike; the first unusable one throws a ConfigError that names it.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const values: Record<string, unknown> = {};
  const derived: ConfigKey[] = [];
  for (const key of KEYS) {
    const s = SETTINGS[key] as Setting<unknown>;
    const raw = env[s.env] || (s.alias === undefined ? undefined : env[s.alias]);
    if (key in overrides) values[key] = overrides[key];
    else if (raw !== undefined && raw !== '') values[key] = parseEnv(s, raw);
    else if (typeof s.default === 'function') derived.push(key);
    else values[key] = s.default;
  }
  // Derived defaults follow settings that are all plain values, settled above.
  for (const key of derived) values[key] = (SETTINGS[key].default as (settled: Derivable) => unknown)(values as never);
  for (const key of KEYS) {
    const s = SETTINGS[key] as Setting<unknown>;
    const problem = s.check?.(values[key]);
    if (problem) {
      const name = key in overrides ? `config.${key}` : s.env;
      throw new ConfigError(`${name} ${problem}`);
    }
  }
  const config = values as Config;
  if (config.maxSegmentMs < config.segmentTargetMs) {
    throw new ConfigError(
      `GLINT_MAX_SEGMENT_MS (${config.maxSegmentMs}) must be at least GLINT_SEGMENT_TARGET_MS (${config.segmentTargetMs})`,
    );
  }
  return config;
}

/** Defaults plus typed overrides, ignoring the process environment: a test's configuration. */
export function defineConfig(overrides: Partial<Config> = {}): Config {
  return loadConfig({}, overrides);
}

function parseEnv(s: Setting<unknown>, raw: string): unknown {
  try {
    return s.parse(raw);
  } catch (error) {
    const problem = (error as Error).message;
    // A secret's value is not echoed back, even a wrong one (it may be the real key, mistyped).
    throw new ConfigError(`${s.env} ${s.secret ? problem.replace(raw, '…') : problem}`);
  }
}

/** The configuration with secrets replaced, for a log line. */
export function redactConfig(config: Config): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of KEYS) {
    const s = SETTINGS[key] as Setting<unknown>;
    out[key] = s.secret && config[key] !== undefined ? '[redacted]' : config[key];
  }
  return out;
}
