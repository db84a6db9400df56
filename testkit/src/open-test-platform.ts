/** A real channel platform for tests of ingest: channels seeded with fresh keys, in memory unless a URL is given. */
import { type Logger, silentLogger } from '@glint/media-core';
import { Platform, type PlatformOptions } from '@glint/platform';

export interface TestPlatform {
  readonly platform: Platform;
  /** Stream key per seeded channel. */
  readonly keys: Record<string, string>;
}

export async function openTestPlatform(
  channels: readonly string[],
  options: {
    databaseUrl?: string;
    logger?: Logger;
    reconnectGraceMs?: number;
    /** More platform options (webhook delivery, push bounds, a clock). */
    platform?: Partial<Omit<PlatformOptions, 'databaseUrl' | 'logger'>>;
  } = {},
): Promise<TestPlatform> {
  const platform = await Platform.open({
    databaseUrl: options.databaseUrl ?? 'sqlite::memory:',
    logger: options.logger ?? silentLogger,
    reconnectGraceMs: options.reconnectGraceMs ?? 5000,
    ...options.platform,
  });
  const keys: Record<string, string> = {};
  for (const id of channels) keys[id] = await platform.seedChannel(id, id);
  return { platform, keys };
}
