/**
 * A small Glint-like server for WebRTC tests: Fastify with the WHIP/WHEP routes, an SFU (a WeriftSfu, or an engine
 * the caller started), a StreamHub and a channel platform over in-memory SQLite, on 127.0.0.1 port 0, admitted by
 * the same PublishAdmission as the real server.
 */
import {
  type OfferAdmissionLimits,
  PublishAdmission,
  type Publisher,
  type PublisherOptions,
  registerWebrtcRoutes,
  type SfuEngine,
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

export interface WebrtcTestServer<E extends SfuEngine = WeriftSfu> {
  readonly app: FastifyInstance;
  readonly sfu: E;
  readonly hub: StreamHub;
  readonly routes: WebrtcRoutesHandle;
  readonly keys: Record<string, string>;
  readonly published: Publisher[];
  url(path: string): string;
  /** Ends the publishes, closes the SFU (an engine given in the options too), the HTTP server and the platform. */
  stop(): Promise<void>;
}

export interface WebrtcTestServerOptions {
  /** Options of the WeriftSfu built when no `engine` is given. */
  sfu?: WeriftSfuOptions;
  publisherConnectTimeoutMs?: number;
  /** ICE options and timeouts of WHIP publishers (the connect timeout above wins). */
  publisherOptions?: PublisherOptions;
  logger?: Logger;
  /** Offer rate and pending-session caps; the server's defaults unless given (a load test raises them). */
  offerAdmission?: Partial<OfferAdmissionLimits>;
  bodyTimeoutMs?: number;
}

/**
 * With `engine`, an SFU the caller started (a MediasoupSfu, say) serves instead of a WeriftSfu; the server owns it
 * from then on and closes it in stop(), also when the server fails to start. WHIP publishers then take its ICE
 * settings, as in the real server.
 */
export async function startWebrtcTestServer<E extends SfuEngine>(
  channels: readonly string[],
  options: WebrtcTestServerOptions & { engine: E; sfu?: never },
): Promise<WebrtcTestServer<E>>;
export async function startWebrtcTestServer(
  channels: readonly string[],
  options?: WebrtcTestServerOptions,
): Promise<WebrtcTestServer>;
export async function startWebrtcTestServer(
  channels: readonly string[],
  options: WebrtcTestServerOptions & { engine?: SfuEngine } = {},
): Promise<WebrtcTestServer<SfuEngine>> {
  let platformOpened: Awaited<ReturnType<typeof openTestPlatform>>;
  try {
    platformOpened = await openTestPlatform(channels);
  } catch (error) {
    await options.engine?.close();
    throw error;
  }
  const { platform, keys } = platformOpened;
  const hub = new StreamHub({ onReaderError: () => {} });
  const sfu: SfuEngine =
    options.engine ?? new WeriftSfu({ ...options.sfu, ...(options.logger ? { logger: options.logger } : {}) });
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
      ...(options.engine ? { ice: options.engine.ice } : {}),
      ...options.publisherOptions,
      connectTimeoutMs: options.publisherConnectTimeoutMs ?? options.publisherOptions?.connectTimeoutMs ?? 10_000,
    },
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.offerAdmission ? { offerAdmission: options.offerAdmission } : {}),
    ...(options.bodyTimeoutMs !== undefined ? { bodyTimeoutMs: options.bodyTimeoutMs } : {}),
  });
  const stop = async () => {
    await routes.closeAll();
    await sfu.close();
    await app.close();
    await platform.close();
  };
  try {
    await app.listen({ port: 0, host: '127.0.0.1' });
  } catch (error) {
    await stop();
    throw error;
  }
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
    stop,
  };
}
