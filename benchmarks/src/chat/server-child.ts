/**
 * A chat server in a process of its own, so that its CPU (process.cpuUsage) and memory (RSS) are its alone. The
 * parent starts one kind, asks for stats at the window's edges, then stops it; the child removes its Redis keys and
 * exits when the parent goes away.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { Session } from 'node:inspector';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { fdUsage } from '../packager/fd-limit.ts';
import { type ReadyMessage, serveRpc } from '../webrtc/protocol.ts';
import type { ServerCommand, ServerStats, StartedServer } from './ipc.ts';
import { BENCH_REDIS_URL, dropKeys } from './redis-keys.ts';
import type { RunningServer } from './running-server.ts';

// Full collections before reading RSS, without asking the parent to pass --expose-gc to tsx's Node.
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

let running: RunningServer | undefined;
let prefix: string | undefined;
let scratchDir: string | undefined;

async function start(command: Extract<ServerCommand, { type: 'start' }>): Promise<StartedServer> {
  if (running) throw new Error('a server is already running in this child');
  const startedMs = performance.now();
  prefix = command.redisPrefix;
  const base = { rooms: command.rooms, senders: command.senders, redisUrl: BENCH_REDIS_URL, redisPrefix: prefix };
  let notes: readonly string[];
  if (command.kind === 'glint') {
    // Imported here so that the peer's run does not load the chat package at all.
    const { describeRunLimits, startGlintPod } = await import('./glint-pod.ts');
    scratchDir = await mkdtemp(join(tmpdir(), 'glint-bench-chat-'));
    try {
      running = await startGlintPod({ ...base, databaseFile: join(scratchDir, 'platform.db') });
    } catch (error) {
      // The parent kills this child after a failed start (SIGKILL: no 'exit' handler runs).
      rmSync(scratchDir, { recursive: true, force: true });
      throw error;
    }
    notes = [describeRunLimits()];
  } else {
    const { startSocketIoPeer } = await import('./socketio-peer.ts');
    running = await startSocketIoPeer(base);
    notes = [];
  }
  return {
    port: running.port,
    tokens: running.tokens,
    seedMs: performance.now() - startedMs,
    fdLimit: fdUsage().limit,
    notes,
  };
}

async function stats(gc: boolean): Promise<ServerStats> {
  if (gc) await settle();
  const cpu = process.cpuUsage();
  const memory = process.memoryUsage();
  return {
    cpuUs: cpu.user + cpu.system,
    rssBytes: memory.rss,
    heapUsedBytes: memory.heapUsed,
    connections: running ? await running.connections() : 0,
  };
}

/**
 * Full collections until RSS stops moving (< 1 MB between two, 100 ms apart; at most 2 s): a fresh process hands its
 * start-up pages back to the OS over a while, which would read as memory the connections freed.
 */
async function settle(): Promise<void> {
  let last = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 20; i++) {
    collect();
    const rss = process.memoryUsage.rss();
    if (Math.abs(last - rss) < 1024 * 1024) return;
    last = rss;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function stop(): Promise<void> {
  await running?.stop();
  running = undefined;
  if (prefix) await dropKeys(BENCH_REDIS_URL, prefix);
  if (scratchDir) rmSync(scratchDir, { recursive: true, force: true });
}

process.on('exit', () => {
  if (scratchDir) rmSync(scratchDir, { recursive: true, force: true });
});
const profiler = new Session();
profiler.connect();
const post = (method: string) =>
  new Promise<unknown>((resolve, reject) =>
    profiler.post(method, (error, result) => (error ? reject(error) : resolve(result))),
  );

serveRpc<ServerCommand>(async (command) => {
  switch (command.type) {
    case 'start':
      return start(command);
    case 'stats':
      return stats(command.gc);
    case 'profile-start':
      await post('Profiler.enable');
      return post('Profiler.start');
    case 'profile-stop': {
      const { profile } = (await post('Profiler.stop')) as { profile: unknown };
      writeFileSync(command.file, JSON.stringify(profile));
      return command.file;
    }
    case 'stop':
      await stop();
      return null;
  }
});
process.send?.({ type: 'ready' } satisfies ReadyMessage);
