import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { requireTool } from './require-tool.ts';
import { until } from './until.ts';

export interface RedisServer {
  readonly port: number;
  /** redis://127.0.0.1:<port> */
  readonly url: string;
  /** SIGKILL: no shutdown, and (without persistence) every key is gone. */
  kill(): Promise<void>;
  /** A fresh redis-server on the same port (after `kill`). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A redis-server of the test's own on a free loopback port, without persistence (`--save ''`, no AOF), for tests that
 * kill Redis and restart it; tests that only need a Redis use the machine's at 127.0.0.1:6379 with a key prefix.
 */
export async function startRedisServer(): Promise<RedisServer> {
  const binary = requireTool('redis-server');
  const port = await freePort();
  let child: ChildProcess | undefined;
  let output = '';

  const start = async (): Promise<void> => {
    output = '';
    let ready = false;
    const started = spawn(binary, ['--port', String(port), '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = started;
    const onOutput = (chunk: Buffer): void => {
      output = (output + chunk.toString()).slice(-4000);
      if (output.includes('Ready to accept connections')) ready = true;
    };
    started.stdout?.on('data', onOutput);
    started.stderr?.on('data', onOutput);
    await until(() => ready || started.exitCode !== null, {
      what: `redis-server on port ${port}`,
      detail: () => output,
    });
    if (!ready) throw new Error(`redis-server on port ${port} exited: ${output}`);
  };

  const kill = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  };

  await start();
  return { port, url: `redis://127.0.0.1:${port}`, kill, restart: start, stop: kill };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
