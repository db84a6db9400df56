import { MIN_STREAM_KEY_LENGTH } from './platform/stream-keys.ts';
/** The media server's configuration, from the environment, with defaults that run on one machine. */

export interface Config {
  /** Address the HTTP and RTMP servers bind to. */
  readonly host: string;
  readonly httpPort: number;
  readonly rtmpPort: number;
  /** Host name printed in URLs for viewers and OBS. */
  readonly publicHost: string;
  /** Stream key of the seeded demo channel; random at each start when unset. */
  readonly demoStreamKey: string | undefined;
  /** Run the built-in test-pattern broadcaster on the demo channel. */
  readonly demoBroadcast: boolean;
  readonly partTargetMs: number;
  readonly segmentTargetMs: number;
  /** A publisher that comes back within this long continues the same playlist after a discontinuity. */
  readonly reconnectGraceMs: number;
  /** After EXT-X-ENDLIST a channel's LL-HLS output stays served this long, then is freed (its URLs answer 404). */
  readonly llhlsEndedRetentionMs: number;
  /** The longest LL-HLS video segment without a keyframe before it is cut anyway (bounds memory and the playlist). */
  readonly maxSegmentMs: number;
  /** An RTMP publisher that sends no media message for this long is dropped (a byte trickle does not count). */
  readonly rtmpIdleTimeoutMs: number;
  /** An RTMP client must have done handshake, connect and an accepted publish this long after its socket opens. */
  readonly rtmpPublishDeadlineMs: number;
  /** Open RTMP connections at once, publishing or not; more are closed on arrival. */
  readonly rtmpMaxConnections: number;
  /** The same per client address (IPv6: per /64). */
  readonly rtmpMaxConnectionsPerIp: number;
  readonly logLevel: string;
  /** Address the SFU's UDP sockets bind to. */
  readonly webrtcBindAddress: string;
  /** Addresses advertised in ICE candidates (a server's public IPs); empty: the bind address. */
  readonly webrtcPublicIps: readonly string[];
  /** WHIP/WHEP sessions answered but not yet connected (ICE + DTLS), in total; more get 503 + Retry-After. */
  readonly webrtcMaxPending: number;
  /** The same per client address (IPv6: per /64); more get 429 + Retry-After. */
  readonly webrtcMaxPendingPerIp: number;
  /** WHIP/WHEP offers a client address may send in a burst, and regains per second after it. */
  readonly webrtcOfferBurst: number;
  readonly webrtcOffersPerSec: number;
  /** A WHIP/WHEP offer's body must arrive whole within this long. */
  readonly webrtcBodyTimeoutMs: number;
  /** Open HTTP connections at once. */
  readonly httpMaxConnections: number;
  /** A client must send a whole HTTP request (headers and body) within this long. */
  readonly httpRequestTimeoutMs: number;
  /** Bearer token for /metrics; unset: /metrics answers loopback clients only. Secret: never log it. */
  readonly metricsToken: string | undefined;
}

/** An integer ≥ `min` (ports may be 0: any free port; caps and timeouts must be ≥ 1, or nothing is admitted). */
function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 1): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer ≥ ${min}, got "${raw}"`);
  return value;
}

function bool(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  throw new Error(`${name} must be true or false, got "${raw}"`);
}

function streamKey(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (raw.length < MIN_STREAM_KEY_LENGTH) {
    throw new Error(
      `${name} must be at least ${MIN_STREAM_KEY_LENGTH} characters (got ${raw.length}); unset it for a random key`,
    );
  }
  return raw;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    host: env.GLINT_HOST || '0.0.0.0',
    httpPort: int(env, 'GLINT_HTTP_PORT', 8080, 0),
    rtmpPort: int(env, 'GLINT_RTMP_PORT', 1935, 0),
    publicHost: env.GLINT_PUBLIC_HOST || 'localhost',
    demoStreamKey: streamKey(env, 'GLINT_DEMO_STREAM_KEY'),
    demoBroadcast: bool(env, 'GLINT_DEMO_BROADCAST', true),
    partTargetMs: int(env, 'GLINT_PART_TARGET_MS', 200),
    segmentTargetMs: int(env, 'GLINT_SEGMENT_TARGET_MS', 1000),
    reconnectGraceMs: int(env, 'GLINT_RECONNECT_GRACE_MS', 5000),
    llhlsEndedRetentionMs: int(env, 'GLINT_LLHLS_ENDED_RETENTION_MS', 30_000),
    maxSegmentMs: int(env, 'GLINT_MAX_SEGMENT_MS', 4 * int(env, 'GLINT_SEGMENT_TARGET_MS', 1000)),
    rtmpIdleTimeoutMs: int(env, 'GLINT_RTMP_IDLE_TIMEOUT_MS', 10000),
    rtmpPublishDeadlineMs: int(env, 'GLINT_RTMP_PUBLISH_DEADLINE_MS', 5000),
    rtmpMaxConnections: int(env, 'GLINT_RTMP_MAX_CONNECTIONS', 1000),
    rtmpMaxConnectionsPerIp: int(env, 'GLINT_RTMP_MAX_CONNECTIONS_PER_IP', 20),
    logLevel: env.GLINT_LOG_LEVEL || 'info',
    webrtcBindAddress: env.GLINT_WEBRTC_BIND || '127.0.0.1',
    webrtcPublicIps: (env.GLINT_WEBRTC_PUBLIC_IPS || '')
      .split(',')
      .map((ip) => ip.trim())
      .filter(Boolean),
    webrtcMaxPending: int(env, 'GLINT_WEBRTC_MAX_PENDING', 100),
    webrtcMaxPendingPerIp: int(env, 'GLINT_WEBRTC_MAX_PENDING_PER_IP', 10),
    webrtcOfferBurst: int(env, 'GLINT_WEBRTC_OFFER_BURST', 20),
    webrtcOffersPerSec: int(env, 'GLINT_WEBRTC_OFFERS_PER_SEC', 5),
    webrtcBodyTimeoutMs: int(env, 'GLINT_WEBRTC_BODY_TIMEOUT_MS', 10_000),
    httpMaxConnections: int(env, 'GLINT_HTTP_MAX_CONNECTIONS', 10_000),
    httpRequestTimeoutMs: int(env, 'GLINT_HTTP_REQUEST_TIMEOUT_MS', 10_000),
    metricsToken: env.GLINT_METRICS_TOKEN || undefined,
  };
}
