/**
 * `npm run bench:edge`: LL-HLS blocking reloads served by the origin alone and through the shipped edge caches
 * (Varnish, and nginx as the peer) in the same run: delay from the part landing at the origin to each viewer reading
 * its answer, and how many requests reached the origin per part. Prints a table, writes a chart and the numbers under
 * benchmarks/results/. Stops by itself (watchdog) and removes its scratch files.
 */
import { rmSync } from 'node:fs';
import { cpus } from 'node:os';
import type { EdgeCache } from '@glint/edge';
import type { LlhlsWorkerPool } from '@glint/media-server';
import { type Fixture, makeFixture } from '@glint/testkit';
import { printEnvironment } from './edge/environment.ts';
import { edgeRatioNotes, printEdge, summarizeEdge } from './edge/report-edge.ts';
import {
  GOAL_VIEWERS,
  NGINX_LABEL,
  ORIGIN_LABEL,
  runEdge,
  VARNISH_LABEL,
  WORKERS,
  WORKERS_LABEL,
} from './edge/run-edge.ts';
import { progress } from './lib/progress.ts';
import { writeResults } from './lib/results.ts';
import type { BlockedBench } from './packager/blocked-server.ts';
import { chartBlocked } from './packager/report-blocked.ts';

const WATCHDOG_MS = 600_000;
const MEDIA = { seconds: 20, width: 1280, height: 720, fps: 30, videoKbps: 3000, audioKbps: 128 } as const;

let media: Fixture | null = null;
let bench: BlockedBench | null = null;
let edges: EdgeCache[] = [];
let workers: LlhlsWorkerPool | null = null;

function cleanUp(): void {
  bench?.kill();
  for (const pid of workers?.pids ?? []) process.kill(pid, 'SIGKILL');
  for (const edge of edges) void edge.stop();
  if (media) rmSync(media.dir, { recursive: true, force: true });
  media = null;
}

process.on('exit', cleanUp);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    cleanUp();
    process.exit(130);
  });
}
setTimeout(() => {
  process.stderr.write(`\nbench:edge: watchdog fired after ${WATCHDOG_MS / 1000} s; stopping\n`);
  process.exit(2);
}, WATCHDOG_MS).unref();

async function main(): Promise<void> {
  const machine = `${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), Node ${process.version}`;
  const p = progress('media');
  p.update(`encoding ${MEDIA.seconds} s of ${MEDIA.width}x${MEDIA.height} test media with ffmpeg`);
  media = makeFixture({ ...MEDIA, noise: true });
  p.done(`${media.video.length} video access units, ${media.audio.length} AAC frames`);
  const environment = printEnvironment();
  const run = await runEdge(
    media,
    (b) => {
      bench = b;
    },
    (started) => {
      edges = started;
    },
    (pool) => {
      workers = pool;
    },
  );
  bench = null;
  edges = [];
  workers = null;
  const summaries = summarizeEdge(run);
  printEdge(
    summaries,
    [
      'One origin: LivePackager fed in real time (200 ms parts, 1 s segments) served by node:http + LlhlsHttp on',
      '127.0.0.1. A load generator in a child process (raw TCP, one keep-alive connection per viewer) sends N',
      'GET /live/video/index.m3u8?_HLS_msn=M&_HLS_part=P for a part not yet made: to the origin alone, to',
      `${WORKERS} LL-HLS worker processes (GLINT_LLHLS_WORKERS: node:cluster sharing a port, each serving a replica`,
      'of the packager kept current over IPC; the delay includes that IPC), then to',
      `Varnish ${environment.varnish} and to nginx ${environment.nginx} in front of the origin, each running the shipped`,
      'config (edge/varnish, edge/nginx). A round starts only once every request is parked (origin, workers: counted;',
      'through an edge: all written and 150 ms to settle, and the part must land after that). Delay per response =',
      'viewer read time − time the part landed at the origin, both on CLOCK_MONOTONIC. Origin requests = blocking',
      'requests the origin received during the round. Origin, both edges and the load generator share',
      `${machine}: the crowd's own sockets cost the same CPU the edge needs.`,
    ].join('\n        '),
    [
      ...edgeRatioNotes(summaries, {
        origin: ORIGIN_LABEL,
        workers: WORKERS_LABEL,
        varnish: VARNISH_LABEL,
        nginx: NGINX_LABEL,
      }),
      `largest crowd ${Math.max(...run.sizes).toLocaleString('en-US')} of the goal's ${GOAL_VIEWERS.toLocaleString('en-US')} (descriptor limits).`,
      `connecting the largest crowd took ${Object.entries(run.connectMs)
        .map(([label, ms]) => `${label} ${(ms / 1000).toFixed(1)} s`)
        .join(', ')}.`,
      "'waited at edge' = Varnish's MAIN.busy_sleep for the round: viewers parked on the origin's one answer.",
    ],
  );
  const chart = await chartBlocked(run.rounds, `origin, edges and load generator on one machine: ${machine}`, {
    name: 'edge-blocked-release',
    title: 'Blocking reloads through an edge cache: delay from part landing at the origin to response read (CDF)',
    goalMs: 50,
  });
  const json = writeResults('edge', {
    machine,
    environment,
    summaries,
    rounds: run.rounds.map(({ recvMs, finishMs, ...r }) => r),
  });
  process.stderr.write(`chart: ${chart}\nnumbers: ${json}\n`);
}

main()
  .then(() => {
    cleanUp();
    process.exit(0);
  })
  .catch((error: unknown) => {
    process.stderr.write(
      `bench:edge failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    cleanUp();
    process.exit(1);
  });
