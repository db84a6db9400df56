/**
 * A small Glint-like server for WebRTC tests: Fastify with the WHIP/WHEP routes, a WeriftSfu, a StreamHub and a
 * channel platform over in-memory SQLite, on 127.0.0.1 port 0, admitted by the same PublishAdmission as the real server.
 */
import {
  type OfferAdmissionLimits,
  PublishAdmission,
  type Publisher,
  type PublisherOptions,
  registerWebrtcRoutes,
  StreamHub,
  viewerLayersOf,
  type WebrtcRoutesHandle,
  WeriftSfu,
  type WeriftSfuOptions,
  whipAuthorizer,
} from '@glint/media-server';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { openTestPlatform } from './open-test-platform.ts';

export interface WebrtcTestServer {
  readonly app: FastifyInstance;
  readonly sfu: WeriftSfu;
  readonly hub: StreamHub;
  readonly routes: WebrtcRoutesHandle;
  readonly keys: Record<string, string>;
  readonly published: Publisher[];
  url(path: string): string;
  stop(): Promise<void>;
}

export async function startWebrtcTestServer(
  channels: readonly string[],
  options: {
    sfu?: WeriftSfuOptions;
    publisherConnectTimeoutMs?: number;
    /** ICE options and timeouts of WHIP publishers (the connect timeout above wins). */
    publisherOptions?: PublisherOptions;
    logger?: Logger;
    /** Offer rate and pending-session caps; the server's defaults unless given (a load test raises them). */
    offerAdmission?: Partial<OfferAdmissionLimits>;
    bodyTimeoutMs?: number;
  } = {},
): Promise<WebrtcTestServer> {
  const { platform, keys } = await openTestPlatform(channels);
  const hub = new StreamHub({ onReaderError: () => {} });
  const sfu = new WeriftSfu({ ...options.sfu, ...(options.logger ? { logger: options.logger } : {}) });
  const published: Publisher[] = [];
  const app = Fastify({ logger: false });
  // The same admission as the real server (the Glint app), so WHIP tests run the real check.
  const admission = new PublishAdmission({
    keys: platform.streamKeys,
    isLive: (channelId) => hub.isLive(channelId) || sfu.hasSource(channelId),
  });
  const routes = registerWebrtcRoutes(app, {
    sfu,
    layers: viewerLayersOf(sfu),
    authorize: whipAuthorizer(admission),
    onPublish: (publisher, channelId) => {
      admission.started(channelId);
      published.push(publisher);
    },
    publisherOptions: {
      ...options.publisherOptions,
      connectTimeoutMs: options.publisherConnectTimeoutMs ?? options.publisherOptions?.connectTimeoutMs ?? 10_000,
    },
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.offerAdmission ? { offerAdmission: options.offerAdmission } : {}),
    ...(options.bodyTimeoutMs !== undefined ? { bodyTimeoutMs: options.bodyTimeoutMs } : {}),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    app,
    sfu,
    hub,
    routes,
    keys,
    published,
    url: (path) => `http://127.0.0.1:${port}${path}`,
    stop: async () => {
      await routes.closeAll();
      await sfu.close();
      await app.close();
      await platform.close();
    },
  };
}
