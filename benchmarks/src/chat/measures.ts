/**
 * The two measures as the parent runs them: each starts a fresh server child, drives the load generator, and reads
 * the server's CPU and memory at the right moments (CPU at the window's edges, RSS after a full collection).
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Scratch } from '../lib/scratch.ts';
import type { ChildRpc } from '../webrtc/protocol.ts';
import type {
  HoldResult,
  LoadCommand,
  LoadNotice,
  ServerKind,
  ServerStats,
  StartedServer,
  ThroughputResult,
} from './ipc.ts';
import type { ChatPlan } from './plan.ts';
import { readRedisCpuSec } from './redis-cpu.ts';
import { startServerUnderTest } from './server-under-test.ts';
import { slope } from './slope.ts';

export interface LoadGenerator {
  readonly rpc: ChildRpc<LoadCommand>;
  /** Subscribes to the generator's unsolicited notices; returns the unsubscribe. */
  onNotice(listener: (notice: LoadNotice) => void): () => void;
}

export interface ThroughputRow {
  readonly kind: ServerKind;
  readonly server: StartedServer;
  readonly load: ThroughputResult;
  readonly serverCpuSec: number;
  readonly serverCpuPct: number;
  readonly deliveriesPerCpuSec: number;
  /** Growth of the server's RSS from started (seeded, idle) to loaded, per connected client, KB. */
  readonly rssPerConnectionKB: number;
  readonly rssLoadedBytes: number;
  /** The shared Redis's CPU over the window (all its clients: other work on the machine included), % of a core. */
  readonly redisCpuPct: number;
}

export async function measureThroughput(
  scratch: Scratch,
  load: LoadGenerator,
  kind: ServerKind,
  plan: ChatPlan,
  onProgress: (text: string) => void,
): Promise<ThroughputRow> {
  const server = await startServerUnderTest(scratch, kind, plan);
  try {
    const idle = await server.stats(true);
    // Profiling costs the server CPU: over the whole run (warm-up included), only when asked.
    const stopProfile = plan.profile ? await server.profile() : undefined;
    let atStart: { cpuMs: number; wallMs: number; redisSec: Promise<number> } | undefined;
    let atEnd: { cpuMs: number; wallMs: number; redisSec: Promise<number>; loaded: Promise<ServerStats> } | undefined;
    const unsubscribe = load.onNotice((notice) => {
      if (notice.type === 'progress') onProgress(notice.text);
      else if (notice.edge === 'start') {
        atStart = { cpuMs: server.cpuMs(), wallMs: performance.now(), redisSec: readRedisCpuSec() };
        // Awaited after the run; until then a failure must not surface as an unhandled rejection.
        atStart.redisSec.catch(() => {});
      } else {
        atEnd = {
          cpuMs: server.cpuMs(),
          wallMs: performance.now(),
          redisSec: readRedisCpuSec(),
          // Still connected (the drain follows): the memory of the loaded server.
          loaded: server.stats(true),
        };
        atEnd.redisSec.catch(() => {});
        atEnd.loaded.catch(() => {});
      }
    });
    let result: ThroughputResult;
    try {
      const budgetMs = 90_000 + (plan.warmSec + plan.measureSec + plan.drainSec) * 1000;
      result = await load.rpc.call<ThroughputResult>({ type: 'throughput', target: server.target, plan }, budgetMs);
    } finally {
      unsubscribe();
    }
    if (!atStart || !atEnd) throw new Error('the load generator never marked its window');
    await stopProfile?.(join(tmpdir(), `bench-chat-${kind}.cpuprofile`));
    const wallSec = (atEnd.wallMs - atStart.wallMs) / 1000;
    const serverCpuSec = (atEnd.cpuMs - atStart.cpuMs) / 1000;
    const loaded = await atEnd.loaded;
    const redisCpuSec = (await atEnd.redisSec) - (await atStart.redisSec);
    return {
      kind,
      server: server.started,
      load: result,
      serverCpuSec,
      serverCpuPct: (serverCpuSec / wallSec) * 100,
      deliveriesPerCpuSec: result.deliveries / serverCpuSec,
      rssPerConnectionKB: (loaded.rssBytes - idle.rssBytes) / Math.max(1, result.connected) / 1024,
      rssLoadedBytes: loaded.rssBytes,
      redisCpuPct: (redisCpuSec / wallSec) * 100,
    };
  } finally {
    await server.stop();
  }
}

export interface HoldPoint {
  readonly held: number;
  readonly stats: ServerStats;
}

export interface HoldRow {
  readonly kind: ServerKind;
  readonly target: number;
  /** Why the target is below the plan's (the open-file limits), when it is. */
  readonly cappedBy?: string;
  readonly held: number;
  readonly failed: number;
  readonly closedByServer: number;
  readonly firstError?: string;
  readonly openMs: number;
  readonly stoppedBecause: string;
  readonly idle: ServerStats;
  /** The server's memory after each step. */
  readonly points: readonly HoldPoint[];
  /** RSS per connection: the slope of RSS over connections held across the steps (the idle point left out). */
  readonly kbPerConnection: number;
  /** (RSS at the end − RSS idle) ÷ held: includes what the first connections warm up once. */
  readonly kbPerConnectionFromIdle: number;
  readonly heapKbPerConnection: number;
}

const HOLD_STEPS = 4;

export async function measureHold(
  scratch: Scratch,
  load: LoadGenerator,
  kind: ServerKind,
  plan: ChatPlan,
  count: { target: number; cappedBy?: string },
  onProgress: (text: string) => void,
): Promise<HoldRow> {
  const server = await startServerUnderTest(scratch, kind, plan);
  const unsubscribe = load.onNotice((notice) => {
    if (notice.type === 'progress') onProgress(notice.text);
  });
  try {
    const idle = await server.stats(true);
    const deadlineMs = performance.now() + plan.holdSec * 1000;
    const points: HoldPoint[] = [];
    let failed = 0;
    let openMs = 0;
    let last: HoldResult | undefined;
    for (let step = 1; step <= HOLD_STEPS; step++) {
      const want = Math.round((count.target * step) / HOLD_STEPS) - (last?.held ?? 0);
      const budgetMs = deadlineMs - performance.now();
      if (want <= 0 || budgetMs <= 0) break;
      last = await load.rpc.call<HoldResult>(
        {
          type: 'hold',
          target: server.target,
          count: want,
          rooms: plan.holdRooms,
          addresses: plan.addresses,
          concurrency: plan.connectConcurrency,
          budgetMs,
        },
        budgetMs + 60_000,
      );
      failed += last.failed;
      openMs += last.ms;
      points.push({ held: last.held, stats: await server.stats(true) });
      if (last.failed > 0 || last.ms >= budgetMs) break;
    }
    const end = points[points.length - 1];
    if (!last || !end) throw new Error('no connection step ran');
    const held = Math.max(1, last.held);
    const fromIdle = (end.stats.rssBytes - idle.rssBytes) / held / 1024;
    return {
      kind,
      target: count.target,
      ...(count.cappedBy === undefined ? {} : { cappedBy: count.cappedBy }),
      held: last.held,
      failed,
      closedByServer: last.closedByServer,
      ...(last.firstError === undefined ? {} : { firstError: last.firstError }),
      openMs,
      stoppedBecause:
        last.held >= count.target
          ? `all ${last.held.toLocaleString('en-US')} open`
          : last.stoppedBecause.startsWith('time')
            ? `time budget spent (${plan.holdSec} s)`
            : last.stoppedBecause,
      idle,
      points,
      kbPerConnection: points.length >= 2 ? perConnection(points, (s) => s.rssBytes) / 1024 : fromIdle,
      kbPerConnectionFromIdle: fromIdle,
      heapKbPerConnection:
        points.length >= 2
          ? perConnection(points, (s) => s.heapUsedBytes) / 1024
          : (end.stats.heapUsedBytes - idle.heapUsedBytes) / held / 1024,
    };
  } finally {
    unsubscribe();
    await load.rpc.call({ type: 'release' }, 30_000).catch(() => {});
    await server.stop();
  }
}

/** Bytes per connection of a memory figure across the steps. */
function perConnection(points: readonly HoldPoint[], bytes: (stats: ServerStats) => number): number {
  return slope(points.map((p) => ({ x: p.held, y: bytes(p.stats) })));
}
