/**
 * An edge SFU process's server: WHEP only (publishing goes to the origin), its channels pulled from the origin's
 * WHEP endpoint as viewers ask for them (sfu/cascade/), served by its own engine: mediasoup when its worker is built
 * (an edge forwards one layer, the one the origin sends it), werift otherwise.
 */
import { availableParallelism } from 'node:os';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { registerWebrtcRoutes } from './servers/whip/webrtc-routes.ts';
import { viewerLayersOf } from './servers/whip/whep-layer-routes.ts';
import { EdgeSfu } from './sfu/cascade/edge-sfu.ts';
import { WhepUpstream } from './sfu/cascade/whep-upstream.ts';
import { MediasoupSfu } from './sfu/mediasoup/mediasoup-sfu.ts';
import { loadMediasoup, readyMediasoup } from './sfu/mediasoup/worker-cache.ts';
import type { IceOptions, SfuEngine } from './sfu/types.ts';
import { WeriftSfu } from './sfu/werift-sfu.ts';

export interface SfuEdgeOptions {
  /** The origin Glint's base URL. */
  readonly origin: string;
  readonly host?: string;
  /** HTTP port (0: a free one). Default 8091. */
  readonly port?: number;
  /** Viewers' ICE (bind address, public IPs); the upstream binds to the same address. Default: host. */
  readonly ice?: IceOptions;
  readonly engine?: 'auto' | 'werift' | 'mediasoup';
  /** mediasoup workers; default one per core. */
  readonly workers?: number;
  /** A channel with no viewer for this long drops its upstream. */
  readonly idleMs?: number;
  /** The origin's GLINT_EDGE_TOKEN: with it the edge reports its viewer counts, and the origin counts them. */
  readonly edgeToken?: string;
  /** How often a count is sent again when it has not changed. Default 5 s (the origin forgets one after 15 s). */
  readonly reportEveryMs?: number;
  readonly logger: Logger;
}

export interface SfuEdge {
  readonly sfu: EdgeSfu;
  readonly http: FastifyInstance;
  readonly port: number;
  url(path: string): string;
  stop(): Promise<void>;
}

async function engineFor(options: SfuEdgeOptions, ice: IceOptions): Promise<SfuEngine> {
  const choice = options.engine ?? 'auto';
  const build = choice === 'werift' ? null : readyMediasoup();
  if (choice === 'mediasoup' && !build) {
    throw new Error('the mediasoup worker is not built (npm run sfu:build), or use --engine werift');
  }
  const log = options.logger.child({ component: 'sfu' });
  if (build) {
    return MediasoupSfu.start({
      mediasoup: loadMediasoup(build),
      workerBin: build.workerBin,
      workers: options.workers ?? availableParallelism(),
      ice,
      logger: log,
    });
  }
  return new WeriftSfu({ ice, logger: log });
}

export async function startSfuEdge(options: SfuEdgeOptions): Promise<SfuEdge> {
  const host = options.host ?? '127.0.0.1';
  const ice: IceOptions = options.ice ?? { bindAddress: host };
  const inner = await engineFor(options, ice);
  const log = options.logger;
  const sfu = new EdgeSfu(inner, {
    pull: (channelId) =>
      WhepUpstream.open(channelId, { originUrl: options.origin, ice, logger: log.child({ component: 'upstream' }) }),
    ...(options.idleMs !== undefined ? { idleMs: options.idleMs } : {}),
    ...(options.edgeToken
      ? { reportViewers: { everyMs: options.reportEveryMs ?? 5000, token: options.edgeToken } }
      : {}),
    logger: log,
  });
  const http = Fastify({ logger: false });
  registerWebrtcRoutes(http, {
    sfu,
    layers: viewerLayersOf(sfu),
    authorize: async () => ({
      ok: false,
      status: 403,
      code: 'EDGE_NO_PUBLISH',
      message: `this is an edge SFU: publish to the origin (${options.origin})`,
    }),
    logger: log.child({ component: 'webrtc' }),
  });
  http.get('/healthz', async () => ({
    ok: true,
    engine: sfu.engine,
    upstreams: sfu.upstreams,
    viewers: sfu.subscriberCount(),
  }));
  await http.listen({ port: options.port ?? 8091, host });
  const address = http.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    sfu,
    http,
    port,
    url: (path) => `http://${host}:${port}${path}`,
    stop: async () => {
      await http.close();
      await sfu.close();
    },
  };
}
