import { type ChatBus, ChatServer, MemoryChatBus, RedisChatBus } from '@glint/chat';
import { Platform } from '@glint/platform';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { LlhlsOutputs } from './adapters/llhls-outputs.ts';
import { publishToHub } from './adapters/rtmp-to-stream.ts';
import { StreamRtpSource } from './adapters/stream-rtp-source.ts';
import { whipToStream } from './adapters/whip-to-stream.ts';
import { PublishAdmission } from './admission/publish-admission.ts';
import { EdgeAudience } from './audience/edge-audience.ts';
import { LlhlsViewers } from './audience/llhls-viewers.ts';
import type { Config } from './config.ts';
import { createLogger } from './create-logger.ts';
import { LogBudget } from './limits/log-budget.ts';
import { createHttpServer } from './servers/http.ts';
import { LlhlsWorkerPool } from './servers/llhls-workers/llhls-worker-pool.ts';
import { createMetrics, type Metrics } from './servers/metrics.ts';
import { type PublishDecision, type PublishRequest, RtmpServer } from './servers/rtmp.ts';
import { type ClipRoutesHandle, registerClipRoutes } from './servers/vod/clip-routes.ts';
import { registerVodRoutes, type VodRoutesHandle } from './servers/vod/vod-routes.ts';
import { registerEdgeAudienceRoute } from './servers/whip/edge-audience-route.ts';
import { registerWebrtcRoutes, viewerLayersOf, type WebrtcRoutesHandle, whipAuthorizer } from './servers/whip/index.ts';
import { type PeerTimeouts, type Publisher, type SfuEngine, WeriftSfu } from './sfu/index.ts';
import { startChosenEngine } from './sfu-engine.ts';
import { StreamHub } from './stream/hub.ts';
import type { LiveStream } from './stream/live-stream.ts';
import { Ladder } from './transcode/ladder/index.ts';
import { Vod } from './vod/vod.ts';

/** The channel `npm start` seeds and broadcasts a test pattern to. */
export const DEMO_CHANNEL = { id: 'demo', displayName: 'Glint demo' } as const;

export interface GlintOptions {
  readonly config: Config;
  /** The channel platform (accounts, channels, keys); Glint.create opens one from config.databaseUrl. */
  readonly platform: Platform;
  readonly logger?: Logger;
  /** Whether stop() closes the platform (true when Glint.create opened it). */
  readonly ownsPlatform?: boolean;
  /** What chat pods share; in memory by default (Glint.create uses Redis when config.redisUrl is set). Closed by stop(). */
  readonly chatBus?: ChatBus;
  /** The SFU engine; Glint.create starts the one the settings choose (werift when none is given). */
  readonly sfu?: SfuEngine;
}

/** How often each live channel's viewer count is sampled into its broadcast record (peak, average). */
const VIEWER_SAMPLE_MS = 5000;

/** The whole media server in one process: RTMP ingest, the hub, LL-HLS output and the HTTP face. */
export class Glint {
  readonly config: Config;
  readonly logger: Logger;
  readonly hub: StreamHub;
  readonly outputs: LlhlsOutputs;
  readonly metrics: Metrics;
  readonly platform: Platform;
  readonly llhlsViewers = new LlhlsViewers();
  /** Viewers behind edge SFUs, as they report them (GLINT_EDGE_TOKEN). */
  readonly edgeAudience = new EdgeAudience();
  readonly chatBus: ChatBus;
  readonly chat: ChatServer;
  readonly rtmp: RtmpServer;
  readonly http: FastifyInstance;
  readonly sfu: SfuEngine;
  readonly webrtc: WebrtcRoutesHandle;
  readonly admission: PublishAdmission;
  /** Broadcast archival (VOD, DVR) and its store; clips are made from it. */
  readonly vod: Vod;
  readonly vodRoutes: VodRoutesHandle;
  readonly clipRoutes: ClipRoutesHandle;
  httpPort = 0;
  rtmpPort = 0;
  /** LL-HLS worker processes on their own port (GLINT_LLHLS_WORKERS); none by default. */
  llhlsWorkers: LlhlsWorkerPool | undefined;
  readonly #ownsPlatform: boolean;
  /** Each live channel's transcoding ladder (none with `ladder: source`); a ladder ends with its stream. */
  readonly ladders = new Map<string, Ladder>();
  /** RTMP publishers by channel, so that revoking a key can end the stream it started. */
  readonly #rtmpPublishers = new Map<string, { close(): void }>();
  #viewerSampler: NodeJS.Timeout | undefined;

  /** Opens the platform's database (running its migrations) unless one is given, then builds the server. */
  static async create(options: Omit<GlintOptions, 'platform' | 'ownsPlatform'> & { platform?: Platform }) {
    const logger = options.logger ?? createLogger(options.config);
    const redisUrl = options.config.redisUrl;
    const chatBus =
      options.chatBus ??
      (redisUrl === undefined
        ? new MemoryChatBus()
        : await RedisChatBus.connect({ url: redisUrl, logger: logger.child({ component: 'chat-bus' }) }));
    const sfu =
      options.sfu ?? (await startChosenEngine(options.config, logger.child({ component: 'sfu' }))) ?? undefined;
    const engine = sfu ? { sfu } : {};
    if (options.platform) return new Glint({ ...options, ...engine, platform: options.platform, logger, chatBus });
    const platform = await Platform.open({
      databaseUrl: options.config.databaseUrl,
      logger: logger.child({ component: 'platform' }),
      reconnectGraceMs: options.config.reconnectGraceMs,
      webhooks: { allowPrivateTargets: options.config.webhookAllowPrivate },
    });
    return new Glint({ ...options, ...engine, logger, platform, ownsPlatform: true, chatBus });
  }

  constructor(options: GlintOptions) {
    this.config = options.config;
    this.logger = options.logger ?? createLogger(options.config);
    this.platform = options.platform;
    this.#ownsPlatform = options.ownsPlatform ?? false;
    const log = this.logger;
    this.chatBus = options.chatBus ?? new MemoryChatBus();
    this.chat = new ChatServer({
      platform: this.platform,
      bus: this.chatBus,
      logger: log.child({ component: 'chat' }),
      viewers: (room) => this.#audience(room).total,
    });
    this.hub = new StreamHub({
      onReaderError: (error, channelId) => log.error({ err: error, channelId }, 'stream reader failed; detached'),
    });
    this.metrics = createMetrics({
      liveStreams: () => this.hub.streams.length,
      blockedRequests: () => this.outputs.blockedRequests + (this.llhlsWorkers?.blockedRequests ?? 0),
      webrtcViewers: () => this.sfu.subscriberCount(),
      viewers: () => this.hub.streams.map((stream) => this.#audience(stream.channelId)),
      rtmpRefusedConnections: () => this.rtmp.refusedConnections,
      ladders: () => [...this.ladders].map(([channel, ladder]) => ({ channel, stats: ladder.stats })),
      archive: () => this.vod.stats,
    });
    this.vod = new Vod({
      dataDir: options.config.dataDir,
      index: this.platform.vods,
      onAir: (channel) => this.platform.broadcasts.onAir(channel),
      describe: (channel) => this.outputs.get(channel)?.packager.multivariant(),
      logger: log.child({ component: 'vod' }),
      maxQueueBytes: options.config.archiveMaxQueueBytes,
      retentionMs: options.config.vodRetentionDays * 86_400_000,
      recovered: () => this.platform.broadcasts.recovered,
      onEnded: (listener) =>
        this.platform.events.broadcast.add((event) => {
          if (event.type === 'stream.offline') listener(event.broadcastId);
        }),
    });
    this.outputs = new LlhlsOutputs({
      sinkFor: (channel) => (this.#archives(channel) ? this.vod.sinkFor(channel) : undefined),
      partTargetMs: options.config.partTargetMs,
      segmentTargetMs: options.config.segmentTargetMs,
      reconnectGraceMs: options.config.reconnectGraceMs,
      onError: (error, channelId) => log.error({ err: error, channelId }, 'LL-HLS output failed'),
      onPart: (channelId) => this.metrics.parts.inc({ channel: channelId }),
      endedRetentionMs: options.config.llhlsEndedRetentionMs,
      startWaitMs: options.config.llhlsStartWaitMs,
      maxSegmentMs: options.config.maxSegmentMs,
      logger: log.child({ component: 'llhls' }),
      // The hub has no keyframe request for LL-HLS to forward yet (a WHIP bridge asks for PLIs by itself): report.
      onKeyframeRequest: (channelId, request) =>
        log[request.firstInBroadcast ? 'warn' : 'debug'](
          { channelId, sinceKeyframeSec: request.sinceKeyframeSec },
          'no keyframe from the source for a while; set its keyframe interval to the segment target (1 s)',
        ),
    });
    this.hub.onStreamStart((stream) => {
      log.info({ channelId: stream.channelId, source: stream.source }, 'stream started');
      this.outputs.onStreamStart(stream);
      this.#countIngest(stream);
      this.#trackBroadcast(stream);
      const ladder = this.#startLadder(stream);
      // A WHIP publisher is the SFU's source itself; any other stream is packetized for WebRTC viewers.
      if (stream.source !== 'whip') this.#offerToWebrtc(stream, ladder);
    });
    // A rotated or revoked key ends the stream it started, whichever ingest it came in by.
    this.platform.events.keyInvalidated.add(({ channel, reason }) => this.#endLive(channel, `key ${reason}`));
    // Anyone can try keys: a guessing spray from many addresses must not become a warn line per attempt.
    const refusalLogs = new LogBudget({
      perWindow: 20,
      windowMs: 10_000,
      onSuppressed: (count, windowMs) => log.warn({ count, windowMs }, 'more publish refusals, logged at debug'),
    });
    this.admission = new PublishAdmission({
      keys: this.platform.streamKeys,
      logger: log.child({ component: 'admission' }),
      throttle: { maxFailures: options.config.publishMaxFailedKeys, windowMs: options.config.publishFailedKeyWindowMs },
      isLive: (channelId) => this.hub.isLive(channelId) || this.sfu.hasSource(channelId),
      onRefused: (code, attempt) => {
        this.metrics.publishRefusals.inc({ code });
        const fields = { code, channelParam: attempt.channelParam, remoteAddress: attempt.remoteAddress };
        if (refusalLogs.take()) log.warn(fields, 'publish refused');
        else log.debug(fields, 'publish refused');
      },
    });
    this.rtmp = new RtmpServer({
      authorizePublish: (request) => this.#authorize(request),
      onPublish: (session) => {
        this.admission.started(session.channelId);
        this.#rtmpPublishers.set(session.channelId, session);
        publishToHub(session, this.hub);
        session.onEnd((reason) => {
          if (this.#rtmpPublishers.get(session.channelId) === session) this.#rtmpPublishers.delete(session.channelId);
          log.info({ channelId: session.channelId, reason }, 'stream ended');
        });
      },
      idleTimeoutMs: options.config.rtmpIdleTimeoutMs,
      publishDeadlineMs: options.config.rtmpPublishDeadlineMs,
      maxConnections: options.config.rtmpMaxConnections,
      maxConnectionsPerIp: options.config.rtmpMaxConnectionsPerIp,
      logger: log.child({ component: 'rtmp' }),
    });
    this.http = createHttpServer({
      archive: () => this.vod.stats,
      blockedInWorkers: () => this.llhlsWorkers?.blockedRequests ?? 0,
      hub: this.hub,
      outputs: this.outputs,
      metrics: this.metrics,
      logger: log,
      api: {
        platform: this.platform,
        viewers: (channel) => this.#audience(channel).total,
        limits: {
          perIpPerMinute: options.config.apiRequestsPerMinutePerIp,
          perAccountPerMinute: options.config.apiRequestsPerMinutePerAccount,
          secureCookies: options.config.secureCookies,
        },
      },
      llhlsViewers: this.llhlsViewers,
      chat: this.chat,
      limits: {
        maxConnections: options.config.httpMaxConnections,
        requestTimeoutMs: options.config.httpRequestTimeoutMs,
        metricsToken: options.config.metricsToken,
        trustProxy: options.config.trustProxy,
      },
    });
    this.vodRoutes = registerVodRoutes(this.http, {
      vod: this.vod,
      platform: this.platform,
      logger: log.child({ component: 'vod' }),
      archives: (channel) => this.#archives(channel),
    });
    // A segment found bad or a VOD deleted (retention too) drops its cached playlists at once.
    this.vod.onChanged((broadcastId) => this.vodRoutes.forget(broadcastId));
    this.clipRoutes = registerClipRoutes(this.http, {
      vod: this.vod,
      platform: this.platform,
      logger: log.child({ component: 'clips' }),
      perHourPerUser: options.config.clipsPerHourPerUser,
      maxQueued: options.config.clipMaxQueued,
    });
    this.sfu =
      options.sfu ??
      new WeriftSfu({
        logger: log.child({ component: 'sfu' }),
        ...this.#peerTimeouts(),
        keyframeIntervalMs: options.config.webrtcKeyframeIntervalMs,
        maxInFlightSends: options.config.webrtcMaxInFlightSends,
        ice: {
          bindAddress: options.config.webrtcBindAddress,
          ...(options.config.webrtcPublicIps.length > 0 ? { publicIps: options.config.webrtcPublicIps } : {}),
        },
      });
    this.webrtc = registerWebrtcRoutes(this.http, {
      sfu: this.sfu,
      layers: viewerLayersOf(this.sfu),
      logger: log.child({ component: 'webrtc' }),
      publisherOptions: { ice: this.sfu.ice, ...this.#peerTimeouts() },
      bodyTimeoutMs: options.config.webrtcBodyTimeoutMs,
      offerAdmission: {
        maxPending: options.config.webrtcMaxPending,
        maxPendingPerAddress: options.config.webrtcMaxPendingPerIp,
        offerBurst: options.config.webrtcOfferBurst,
        offersPerSecond: options.config.webrtcOffersPerSec,
      },
      authorize: whipAuthorizer(this.admission),
      onPublish: (publisher, channelId) => this.#whipToHub(publisher, channelId),
    });
    registerEdgeAudienceRoute(this.http, {
      audience: this.edgeAudience,
      token: options.config.edgeToken,
      sessionChannel: (id) => this.sfu.subscribers().find((s) => s.id === id)?.channelId,
      logger: log.child({ component: 'webrtc' }),
    });
  }

  async start(): Promise<void> {
    const { host, httpPort, rtmpPort } = this.config;
    await this.vod.start();
    this.rtmpPort = await this.rtmp.listen(rtmpPort, host);
    await this.http.listen({ port: httpPort, host });
    const address = this.http.server.address();
    this.httpPort = typeof address === 'object' && address ? address.port : httpPort;
    if (this.config.llhlsWorkers > 0) {
      this.llhlsWorkers = await LlhlsWorkerPool.start({
        count: this.config.llhlsWorkers,
        host,
        port: this.config.llhlsPort,
        outputs: this.outputs,
        onViewers: (channel, ids) => {
          for (const id of ids) this.llhlsViewers.seen(channel, id);
        },
        logger: this.logger.child({ component: 'llhls-workers' }),
        maxConnections: this.config.httpMaxConnections,
        requestTimeoutMs: this.config.httpRequestTimeoutMs,
        startWaitMs: this.config.llhlsStartWaitMs,
      });
    }
    this.#viewerSampler = setInterval(() => {
      this.llhlsViewers.retain((channel) => this.outputs.get(channel) !== undefined);
      for (const stream of this.hub.streams) {
        this.platform.broadcasts.sampleViewers(stream.channelId, this.#audience(stream.channelId).total);
      }
    }, VIEWER_SAMPLE_MS);
    this.#viewerSampler.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#viewerSampler);
    await this.rtmp.close();
    await this.webrtc.closeAll();
    this.hub.shutdown();
    await Promise.all([...this.ladders.values()].map((ladder) => ladder.close()));
    await this.sfu.close();
    this.outputs.close();
    await this.llhlsWorkers?.close();
    await this.clipRoutes.close();
    await this.vodRoutes.close();
    await this.vod.close();
    await this.chat.close();
    await this.http.close();
    await this.chatBus.close();
    if (this.#ownsPlatform) await this.platform.close();
  }

  #audience(channel: string): { channel: string; llhls: number; webrtc: number; total: number } {
    const llhls = this.llhlsViewers.count(channel);
    const sessions = this.sfu.subscribers(channel);
    const live = new Set(sessions.map((s) => s.id));
    // An edge SFU's upstream session counts as the viewers the edge reports for it.
    const webrtc = sessions.length + this.edgeAudience.extraViewers(channel, Date.now(), (id) => live.has(id));
    return { channel, llhls, webrtc, total: llhls + webrtc };
  }

  /** Go-live and offline events, once per broadcast: the platform holds the reconnect grace. */
  #trackBroadcast(stream: LiveStream): void {
    const channel = stream.channelId;
    this.platform.broadcasts.streamStarted(channel);
    stream.attach({ onEvent: () => {}, onEnd: () => this.platform.broadcasts.streamEnded(channel) });
  }

  /** Whether a channel's broadcasts are archived: all are, but the endless demo only when asked (GLINT_DEMO_ARCHIVE). */
  #archives(channel: string): boolean {
    return !(this.config.demoBroadcast && channel === DEMO_CHANNEL.id) || this.config.demoArchive;
  }

  /** Ends a channel's live stream from any ingest (its key was rotated or revoked). */
  #endLive(channel: string, reason: string): void {
    const rtmp = this.#rtmpPublishers.get(channel);
    const whip = this.webrtc.whipSessions.all().filter((session) => session.channelId === channel);
    if (!rtmp && whip.length === 0) return;
    this.logger.info({ channelId: channel, reason }, 'ending the live stream');
    rtmp?.close();
    for (const session of whip) void session.publisher.close('revoked');
  }

  /** WHIP publishers and WHEP viewers alike. */
  #peerTimeouts(): PeerTimeouts {
    return {
      connectTimeoutMs: this.config.webrtcConnectTimeoutMs,
      disconnectedGraceMs: this.config.webrtcDisconnectedGraceMs,
      idleTimeoutMs: this.config.webrtcIdleTimeoutMs,
    };
  }

  /** Media bytes in, per channel and ingest protocol (rate() of it is the ingest bitrate). */
  #countIngest(stream: LiveStream): void {
    const labels = { channel: stream.channelId, protocol: stream.source };
    stream.attach({
      onEvent: (event) => {
        if (event.kind === 'video') this.metrics.ingestBytes.inc(labels, event.au.data.byteLength);
        else if (event.kind === 'audio') this.metrics.ingestBytes.inc(labels, event.frame.data.byteLength);
      },
      onEnd: () => {},
    });
  }

  /**
   * The channel's transcoding ladder (one ffmpeg making every rung below the source's height): its rungs become
   * LL-HLS variants and WebRTC layers. It ends with the stream.
   */
  #startLadder(stream: LiveStream): Ladder | undefined {
    if (this.config.ladder.length === 0) return undefined;
    const channelId = stream.channelId;
    const ladder = new Ladder({
      source: stream,
      spec: this.config.ladder,
      overload: { maxLagMs: this.config.ladderMaxLagMs },
      logger: this.logger.child({ component: 'ladder', channelId }),
    });
    this.ladders.set(channelId, ladder);
    this.outputs.get(channelId)?.attachLadder(ladder);
    stream.attach({
      onEvent: () => {},
      onEnd: () => {
        if (this.ladders.get(channelId) === ladder) this.ladders.delete(channelId);
      },
    });
    return ladder;
  }

  /** RTMP (or any non-WebRTC) stream → RTP for WHEP viewers; AAC becomes Opus only while someone listens. */
  #offerToWebrtc(stream: LiveStream, ladder: Ladder | undefined): void {
    const channelId = stream.channelId;
    const rtp = new StreamRtpSource(stream, {
      ...(ladder ? { ladder } : {}),
      opusBitrateKbps: this.config.webrtcOpusBitrateKbps,
      reencodeBitrateKbps: this.config.webrtcReencodeBitrateKbps,
      reencodeKeyframeIntervalMs: this.config.webrtcReencodeKeyframeIntervalMs,
      onError: (err) => this.logger.warn({ err, channelId }, 'RTMP → WebRTC bridge'),
    });
    this.sfu.addSource(rtp);
    rtp.onClose(() => {
      if (this.hub.get(channelId) === undefined) this.sfu.removeSource(channelId);
    });
  }

  /** WHIP publisher → the hub (so LL-HLS and every other output see it). */
  #whipToHub(publisher: Publisher, channelId: string): void {
    this.admission.started(channelId);
    const stream = this.hub.publish(channelId, 'whip');
    whipToStream(publisher, stream, {
      // Segments are cut at keyframes and a browser sends one only when asked: ask every segment target (default).
      keyframeIntervalMs: this.config.whipKeyframeIntervalMs,
      onSourceClose: () => {
        this.logger.info({ channelId, reason: 'disconnect' }, 'stream ended');
        this.hub.end(stream, 'disconnect');
      },
      onError: (err, kind) => this.logger.warn({ err, kind, channelId }, 'WHIP → stream bridge'),
    });
  }

  async #authorize(request: PublishRequest): Promise<PublishDecision> {
    const decision = await this.admission.admit({ streamKey: request.streamKey, remoteAddress: request.remoteAddress });
    if (!decision.ok) return { ok: false, code: decision.code, reason: decision.message };
    return { ok: true, channelId: decision.channel.id };
  }
}
