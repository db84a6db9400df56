/** The platform and its REST API on a free port of 127.0.0.1, over a fresh database of the given dialect. */
import { type ApiLimits, type Platform, type PlatformOptions, platformApi } from '@glint/platform';
import Fastify, { type FastifyInstance } from 'fastify';
import { captureLogs } from './capture-logs.ts';
import { openTestPlatform } from './open-test-platform.ts';
import { createTestDatabase, type TestDatabase, type TestDialect } from './test-databases.ts';

export interface StartedPlatformApi {
  readonly platform: Platform;
  readonly database: TestDatabase;
  readonly app: FastifyInstance;
  /** Every log line (pino JSON), in order. */
  readonly logs: string[];
  /** Absolute URL of an API path, e.g. url('/api/me'). */
  url(path: string): string;
  stop(): Promise<void>;
}

export interface StartPlatformApiOptions {
  readonly limits?: Partial<ApiLimits>;
  readonly viewers?: (channel: string) => number;
  readonly platform?: Partial<Omit<PlatformOptions, 'databaseUrl' | 'logger'>>;
}

export async function startPlatformApi(
  dialect: TestDialect,
  options: StartPlatformApiOptions = {},
): Promise<StartedPlatformApi> {
  const database = await createTestDatabase(dialect);
  const { logger, logs } = captureLogs('info');
  const { platform } = await openTestPlatform([], {
    databaseUrl: database.url,
    logger,
    reconnectGraceMs: 1000,
    ...(options.platform ? { platform: options.platform } : {}),
  });
  const app = Fastify({ logger: false });
  await app.register(platformApi, {
    prefix: '/api',
    platform,
    ...(options.viewers ? { viewers: options.viewers } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    platform,
    database,
    app,
    logs,
    url: (path) => `http://127.0.0.1:${port}${path}`,
    stop: async () => {
      await app.close();
      await platform.close();
      await database.drop();
    },
  };
}
