/** A whole Glint media server on free ports of 127.0.0.1, with its log lines kept for the test to read. */
import { Writable } from 'node:stream';
import { type Config, defineConfig, Glint, MemoryStreamKeyStore } from '@glint/media-server';
import { pino } from 'pino';

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
}

/** `overrides` are typed settings on top of the test defaults (loopback, free ports, no demo), e.g. a limit under test. */
export async function startGlint(
  channels: readonly string[],
  overrides: Partial<Config> = {},
  options: StartGlintOptions = {},
): Promise<TestGlint> {
  const config = defineConfig({
    host: '127.0.0.1',
    httpPort: 0,
    rtmpPort: 0,
    demoBroadcast: false,
    logLevel: 'info',
    ...overrides,
  });
  const store = new MemoryStreamKeyStore();
  const keys: Record<string, string> = {};
  for (const id of channels) keys[id] = store.add({ id, displayName: id });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(...chunk.toString().split('\n').filter(Boolean));
      if (options.echo) process.stderr.write(chunk);
      done();
    },
  });
  const glint = new Glint({ config, keys: store, logger: pino({ level: config.logLevel }, sink) });
  await glint.start();
  return {
    glint,
    keys,
    logs,
    http: (path) => `http://127.0.0.1:${glint.httpPort}${path}`,
    rtmp: (channel, key) => `rtmp://127.0.0.1:${glint.rtmpPort}/live/${key ?? keys[channel] ?? ''}`,
    stop: () => glint.stop(),
  };
}
