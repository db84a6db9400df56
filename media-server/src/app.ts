import type { FastifyInstance } from 'fastify';
import { type Logger, pino } from 'pino';
import type { Config } from './config.ts';
import { type Channel, MemoryStreamKeyStore, type StreamKeyStore } from './platform/stream-keys.ts';
import { LlhlsOutputs } from './protocols/llhls/from_stream.ts';
import { publishToHub } from './protocols/rtmp/to_stream.ts';
import { createHttpServer } from './servers/http.ts';
import { createMetrics, type Metrics } from './servers/metrics.ts';
import { type PublishDecision, type PublishRequest, RtmpServer } from './servers/rtmp.ts';
import { StreamHub } from './stream/hub.ts';

export const DEMO_CHANNEL: Channel = { id: 'demo', displayName: 'Glint demo' };

export interface GlintOptions {
  readonly config: Config;
  /** Defaults to an in-memory store seeded with the demo channel. */
  readonly keys?: StreamKeyStore;
  readonly logger?: Logger;
}

/** The whole media server in one process: RTMP ingest, the hub, LL-HLS output and the HTTP face. */
export class Glint {
  readonly config: Config;
  readonly logger: Logger;
  readonly hub: StreamHub;
  readonly outputs: LlhlsOutputs;
  readonly metrics: Metrics;
  readonly keys: StreamKeyStore;
  /** The demo channel's stream key when this instance seeded it. */
  readonly demoStreamKey: string | undefined;
  readonly rtmp: RtmpServer;
  readonly http: FastifyInstance;
  /** Channels whose publish was accepted but whose session has not started yet. */
  readonly #reserved = new Set<string>();
  httpPort = 0;
  rtmpPort = 0;

  constructor(options: GlintOptions) {
    this.config = options.config;
    this.logger = options.logger ?? pino({ level: options.config.logLevel });
    const log = this.logger;
    this.hub = new StreamHub({
      onReaderError: (error, channelId) => log.error({ err: error, channelId }, 'stream reader failed; detached'),
    });
    this.metrics = createMetrics({
      liveStreams: () => this.hub.streams.length,
      blockedRequests: () => this.outputs.blockedRequests,
    });
    this.outputs = new LlhlsOutputs({
      partTargetMs: options.config.partTargetMs,
      segmentTargetMs: options.config.segmentTargetMs,
      reconnectGraceMs: options.config.reconnectGraceMs,
      onError: (error, channelId) => log.error({ err: error, channelId }, 'LL-HLS output failed'),
      onPart: (channelId) => this.metrics.parts.inc({ channel: channelId }),
    });
    this.hub.onStreamStart((stream) => {
      log.info({ channelId: stream.channelId, source: stream.source }, 'stream started');
      this.outputs.onStreamStart(stream);
    });
    if (options.keys) {
      this.keys = options.keys;
      this.demoStreamKey = undefined;
    } else {
      const store = new MemoryStreamKeyStore();
      this.demoStreamKey = store.add(DEMO_CHANNEL, options.config.demoStreamKey);
      this.keys = store;
    }
    this.rtmp = new RtmpServer({
      authorizePublish: (request) => this.#authorize(request),
      onPublish: (session) => {
        this.#reserved.delete(session.channelId);
        publishToHub(session, this.hub, (bytes) =>
          this.metrics.ingestBytes.inc({ channel: session.channelId, protocol: 'rtmp' }, bytes),
        );
        session.onEnd((reason) => log.info({ channelId: session.channelId, reason }, 'stream ended'));
      },
      idleTimeoutMs: options.config.rtmpIdleTimeoutMs,
      logger: log.child({ component: 'rtmp' }),
    });
    this.http = createHttpServer({ hub: this.hub, outputs: this.outputs, metrics: this.metrics, logger: log });
  }

  async start(): Promise<void> {
    const { host, httpPort, rtmpPort } = this.config;
    this.rtmpPort = await this.rtmp.listen(rtmpPort, host);
    await this.http.listen({ port: httpPort, host });
    const address = this.http.server.address();
    this.httpPort = typeof address === 'object' && address ? address.port : httpPort;
  }

  async stop(): Promise<void> {
    await this.rtmp.close();
    this.hub.shutdown();
    this.outputs.close();
    await this.http.close();
  }

  async #authorize(request: PublishRequest): Promise<PublishDecision> {
    const channel = await this.keys.verify(request.streamKey);
    const refuse = (code: string, reason: string): PublishDecision => {
      this.metrics.publishRefusals.inc({ code });
      this.logger.warn({ code, app: request.app, remoteAddress: request.remoteAddress }, 'publish refused');
      return { ok: false, code, reason };
    };
    if (!channel) return refuse('BAD_STREAM_KEY', 'unknown stream key; copy it again from your channel settings');
    if (this.hub.isLive(channel.id) || this.#reserved.has(channel.id)) {
      return refuse('ALREADY_LIVE', `channel ${channel.id} is already live from another encoder`);
    }
    this.#reserved.add(channel.id);
    return { ok: true, channelId: channel.id };
  }
}
