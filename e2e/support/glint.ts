/** A whole Glint media server on free ports of 127.0.0.1, with a log the test can read. */
import { Writable } from 'node:stream';
import { Glint, loadConfig, MemoryStreamKeyStore } from '@glint/media-server';
import { pino } from 'pino';

export interface TestGlint {
  readonly glint: Glint;
  readonly keys: Record<string, string>;
  readonly logs: string[];
  http(path: string): string;
  rtmp(channel: string, key?: string): string;
  stop(): Promise<void>;
}

export async function startGlint(channels: string[], env: Record<string, string> = {}): Promise<TestGlint> {
  const config = loadConfig({
    GLINT_HOST: '127.0.0.1',
    GLINT_HTTP_PORT: '0',
    GLINT_RTMP_PORT: '0',
    GLINT_DEMO_BROADCAST: 'false',
    GLINT_LOG_LEVEL: 'info',
    ...env,
  });
  const store = new MemoryStreamKeyStore();
  const keys: Record<string, string> = {};
  for (const id of channels) keys[id] = store.add({ id, displayName: id });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const glint = new Glint({ config, keys: store, logger: pino({ level: 'info' }, sink) });
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
