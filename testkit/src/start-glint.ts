/** A whole Glint media server on free ports of 127.0.0.1, with its log lines kept for the test to read. */
import { type Config, defineConfig, Glint, startChosenEngine } from '@glint/media-server';
import type { PlatformOptions } from '@glint/platform';
import { captureLogs } from './capture-logs.ts';
import { makeTempDir } from './make-temp-dir.ts';
import { openTestPlatform } from './open-test-platform.ts';

export interface TestGlint {
  readonly glint: Glint;
  /** Stream key per channel given to startGlint. */
  readonly keys: Record<string, string>;
  /** Every log line (pino JSON), in order. */
  readonly logs: string[];
  http(path: string): string;
  rtmp(channel: string, key?: string): string;
  stop(): Promise<void>;
}

export interface StartGlintOptions {
  /** Also writes every log line to stderr (a benchmark's operator wants to see warnings). */
  readonly echo?: boolean;
  /** The platform's database; an in-memory SQLite one by default. */
  readonly databaseUrl?: string;
  /** More platform options (webhook delivery, push bounds). */
  readonly platform?: Partial<Omit<PlatformOptions, 'databaseUrl' | 'logger'>>;
}

/**
 * `overrides` are typed settings on top of the test defaults (loopback, free ports, no demo, no transcoding ladder),
 * e.g. a limit under test.
 */
export async function startGlint(
  channels: readonly string[],
  overrides: Partial<Config> = {},
  options: StartGlintOptions = {},
): Promise<TestGlint> {
  // Archived media goes to a folder of the test's own, removed at stop (unless the test gives its own dataDir).
  const scratch = overrides.dataDir === undefined ? makeTempDir('data') : undefined;
  const config = defineConfig({
    host: '127.0.0.1',
    httpPort: 0,
    rtmpPort: 0,
    demoBroadcast: false,
    logLevel: 'info',
    // One ffmpeg per live channel is too much for every test on two cores: a test of the ladder asks for one.
    ladder: [],
    // The engine every test ran with before mediasoup; a test of mediasoup asks for it.
    sfuEngine: 'werift',
    ...(scratch ? { dataDir: scratch.path } : {}),
    ...overrides,
  });
  const { logger, logs } = captureLogs(config.logLevel, options.echo ? { echo: true } : {});
  const { platform, keys } = await openTestPlatform(channels, {
    logger: logger.child({ component: 'platform' }),
    reconnectGraceMs: config.reconnectGraceMs,
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
    ...(options.platform ? { platform: options.platform } : {}),
  });
  // Another engine than werift only when a test asks for it (and, for mediasoup, its worker is built).
  const sfu =
    config.sfuEngine === 'werift' ? null : await startChosenEngine(config, logger.child({ component: 'sfu' }));
  const glint = new Glint({ config, platform, logger, ownsPlatform: true, ...(sfu ? { sfu } : {}) });
  await glint.start();
  return {
    glint,
    keys,
    logs,
    http: (path) => `http://127.0.0.1:${glint.httpPort}${path}`,
    rtmp: (channel, key) => `rtmp://127.0.0.1:${glint.rtmpPort}/live/${key ?? keys[channel] ?? ''}`,
    stop: async () => {
      await glint.stop();
      scratch?.remove();
    },
  };
}
