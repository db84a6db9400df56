/**
 * Measures LL-HLS blocking reloads through an edge cache: one origin (LivePackager fed in real time, node:http +
 * LlhlsHttp), the load generator's N requests for a part not yet made sent to the origin alone, then to Varnish and
 * to nginx in front of it. Per response: part landed at the origin → response read by the viewer; per round: how
 * many of those requests reached the origin.
 */
import { cpus } from 'node:os';
import { type EdgeCache, startNginxEdge, startVarnishEdge } from '@glint/edge';
import { LlhlsWorkerPool } from '@glint/media-server';
import { type Fixture, interleave } from '@glint/testkit';

import { progress } from '../lib/progress.ts';
import { BlockedBench, type BlockedConfig, type BlockedRound } from '../packager/blocked-server.ts';
import { fdUsage } from '../packager/fd-limit.ts';
import { prepareInput } from '../packager/mux-cost.ts';

export const GOAL_VIEWERS = 20_000;
const FD_RESERVE = 64;
const ROUNDS = 5;
export const ORIGIN_LABEL = 'origin alone';
/** The same origin with its LL-HLS served by worker processes, one per core (GLINT_LLHLS_WORKERS). */
export const WORKERS = cpus().length;
export const WORKERS_LABEL = `origin, ${WORKERS} LL-HLS workers`;
const WORKERS_CHANNEL = 'bench';

/** The workers' warnings and errors (one replaced, one died), shown to whoever runs the benchmark. */
const stderrWarnings = {
  debug: () => {},
  info: () => {},
  warn: (fields: object, message?: string) => process.stderr.write(`\nworkers: ${message} ${JSON.stringify(fields)}\n`),
  error: (fields: object, message?: string) =>
    process.stderr.write(`\nworkers: ${message} ${JSON.stringify(fields)}\n`),
};
export const VARNISH_LABEL = 'through Varnish';
export const NGINX_LABEL = 'through nginx (peer)';

export interface EdgeRound extends BlockedRound {
  /** Varnish only: requests that waited on the edge for the origin's answer (MAIN.busy_sleep). */
  readonly waitedAtEdge: number | null;
}

export interface EdgeRun {
  readonly rounds: EdgeRound[];
  readonly retried: Record<string, number>;
  readonly sizes: number[];
  readonly connectMs: Record<string, number>;
}

interface Phase {
  readonly label: string;
  readonly edge: EdgeCache | null;
  readonly workers: LlhlsWorkerPool | null;
  readonly counters: (() => Promise<number>) | null;
}

export async function runEdge(
  media: Fixture,
  onBench: (bench: BlockedBench) => void,
  onEdges: (edges: EdgeCache[]) => void,
  onWorkers: (workers: LlhlsWorkerPool) => void,
): Promise<EdgeRun> {
  const input = prepareInput(media, 'annexb');
  const frame90k = Math.round(90000 / media.spec.fps);
  const loop90k = Math.ceil(media.duration90k / frame90k) * frame90k;
  const bench = new BlockedBench(interleave(media.video, media.audio), loop90k, input.configure);
  onBench(bench);
  const p = progress('edge');
  const edges: EdgeCache[] = [];
  let workers: LlhlsWorkerPool | null = null;
  try {
    p.update('starting the origin, its live feed and the load generator');
    const started = await bench.start();
    const origin = `http://127.0.0.1:${started.port}`;
    p.update('starting Varnish and nginx in front of the origin');
    // The crowd's connections sit idle between their rounds for longer than a player would.
    // BENCH_EDGE_VARNISH_PARAMS=thread_pool_max=400,thread_queue_limit=100000 tries other Varnish parameters.
    const varnishParams = process.env.BENCH_EDGE_VARNISH_PARAMS?.split(',') ?? [];
    const varnish = await startVarnishEdge({ origin, idleTimeoutSec: 900, varnishParams });
    edges.push(varnish);
    const nginx = await startNginxEdge({ origin, idleTimeoutSec: 900 });
    edges.push(nginx);
    onEdges(edges);
    p.update(`starting ${WORKERS} LL-HLS worker processes serving the origin's packager`);
    workers = await LlhlsWorkerPool.start({
      count: WORKERS,
      host: '127.0.0.1',
      port: 0,
      outputs: { all: [{ channelId: WORKERS_CHANNEL, packager: bench.packager }], onChange: () => () => {} },
      onViewers: () => {},
      logger: stderrWarnings,
      maxConnections: GOAL_VIEWERS + 1000,
      // As the origin alone: the crowd connects long before its first request.
      requestTimeoutMs: 0,
      // The crowd's connections sit idle between their rounds.
      keepAliveTimeoutMs: 900_000,
      startWaitMs: 3000,
    });
    onWorkers(workers);
    const server = fdUsage();
    // The origin alone holds one socket per viewer: its descriptor limit bounds the largest crowd for every path.
    const top = Math.min(
      GOAL_VIEWERS,
      server.limit - server.open - FD_RESERVE,
      started.clientFdLimit - started.clientOpenFds - FD_RESERVE,
    );
    // BENCH_EDGE_SIZES=19900 and BENCH_EDGE_ONLY=varnish narrow a run (to look into one case).
    const sizes = (process.env.BENCH_EDGE_SIZES?.split(',').map(Number) ?? [1000, 5000, top]).map((n) =>
      Math.min(n, top),
    );
    const only = process.env.BENCH_EDGE_ONLY;
    const busySleep = async () => (await varnish.stats())['MAIN.busy_sleep'] ?? 0;
    const phases: Phase[] = [
      { label: ORIGIN_LABEL, edge: null, workers: null, counters: null },
      { label: WORKERS_LABEL, edge: null, workers, counters: null },
      { label: VARNISH_LABEL, edge: varnish, workers: null, counters: busySleep },
      { label: NGINX_LABEL, edge: nginx, workers: null, counters: null },
    ];
    await bench.waitForSegments(3, 10_000);
    const rounds: EdgeRound[] = [];
    const retried: Record<string, number> = {};
    const connectMs: Record<string, number> = {};
    let nextId = 1;
    for (const phase of phases) {
      if (only && !phase.label.toLowerCase().includes(only)) continue;
      bench.reset();
      p.update(`${phase.label}: connecting ${top.toLocaleString('en-US')} viewers`);
      const connected = await bench.connect(phase.edge?.port ?? phase.workers?.port ?? started.port, top);
      if (connected.sockets < top) {
        throw new Error(
          `${phase.label}: only ${connected.sockets} of ${top} connections opened (${connected.failed} failed)`,
        );
      }
      connectMs[phase.label] = connected.ms;
      for (const sockets of sizes) {
        const config: BlockedConfig = {
          label: phase.label,
          sockets,
          perSocket: 1,
          rounds: ROUNDS,
          bare: false,
          edge: phase.edge !== null,
          ...(phase.workers
            ? { workers: { channel: WORKERS_CHANNEL, blocked: () => phase.workers?.blockedRequests ?? 0 } }
            : {}),
        };
        const key = `${phase.label} (${sockets})`;
        let done = 0;
        let attempts = 0;
        while (done < ROUNDS && attempts < ROUNDS * 2) {
          attempts++;
          p.update(`${key}: round ${done + 1}/${ROUNDS}`);
          const before = (await phase.counters?.()) ?? 0;
          const round = await bench.round(config, nextId++);
          if (!round) {
            retried[key] = (retried[key] ?? 0) + 1;
            continue;
          }
          const waitedAtEdge = phase.counters ? (await phase.counters()) - before : null;
          rounds.push({ ...round, waitedAtEdge });
          done++;
        }
      }
    }
    p.done(`${rounds.length} rounds measured`);
    return { rounds, retried, sizes, connectMs };
  } finally {
    await bench.stop();
    await workers?.close();
    await Promise.all(edges.map((edge) => edge.stop()));
  }
}
