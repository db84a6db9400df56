/**
 * `npm run bench:latency`: glass-to-glass latency, stage by stage, for every path, read from the pixels in a real
 * browser, with peers in the same run. Options (all optional):
 *   --path=rtmp-llhls,whip-webrtc,…   paths to run (default: all)
 *   --seconds=60                        measured window per path, after the warm-up
 *   --warmup=10                         seconds of playback before the window
 *   --part-ms=200                       Glint's LL-HLS part target
 *   --net=clean|rtt50|rtt50-loss1|all   network conditions (default: clean)
 *   --sweep                             also the part-size sweep (100, 200, 333, 500 ms parts; hls.js and Shaka)
 *   --no-peers                          Glint only
 * Prints a progress line, one table per path and condition, writes a chart per path and a JSON record under
 * benchmarks/results/. Stops by itself (watchdog), closing every browser, child and temp folder.
 */
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { BACKGROUND_TAB_FLAGS, launchChromium } from '@glint/testkit';
import { NETS, type NetName, openNetwork } from './latency/network.ts';
import { PATHS, type PathName, runPath } from './latency/paths.ts';
import { chartPath, chartSweep, type PathResult, printPath, STAMP_METHOD } from './latency/report.ts';
import { guardRun } from './lib/guard.ts';
import { progress } from './lib/progress.ts';
import { writeResults } from './lib/results.ts';
import { Scratch } from './lib/scratch.ts';

const { values } = parseArgs({
  options: {
    path: { type: 'string' },
    seconds: { type: 'string', default: '60' },
    warmup: { type: 'string', default: '10' },
    'part-ms': { type: 'string', default: '200' },
    net: { type: 'string', default: 'clean' },
    sweep: { type: 'boolean', default: false },
    'no-peers': { type: 'boolean', default: false },
  },
});

const paths = (values.path ? values.path.split(',') : Object.keys(PATHS)) as PathName[];
for (const p of paths)
  if (!(p in PATHS)) throw new Error(`unknown --path ${p}; one of ${Object.keys(PATHS).join(', ')}`);
const nets = (values.net === 'all' ? Object.keys(NETS) : (values.net ?? 'clean').split(',')) as NetName[];
for (const n of nets)
  if (!(n in NETS)) throw new Error(`unknown --net ${n}; one of ${Object.keys(NETS).join(', ')}, all`);
const seconds = Number(values.seconds);
const warmupSec = Number(values.warmup);
const partMs = Number(values['part-ms']);
const sweepParts = [100, 200, 333, 500];
const runs = paths.length * nets.length + (values.sweep ? sweepParts.length : 0);
const watchdogMs = runs * (seconds + warmupSec + 90) * 1000;

const scratch = new Scratch();
guardRun('bench:latency', scratch, watchdogMs);

const METHOD = `one machine (${cpus().length} cores, ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}), every stamp on its wall clock; frames known by the number painted in their band. Stamps:\n  ${STAMP_METHOD}`;

async function main(): Promise<void> {
  const browser = await launchChromium({ webrtc: true, extraArgs: BACKGROUND_TAB_FLAGS });
  const results: PathResult[] = [];
  const sweep: Array<{ partMs: number; player: string; p50Ms: number; stalls: number }> = [];
  let done = 0;
  try {
    for (const netName of nets) {
      for (const path of paths) {
        const bar = progress(`${++done}/${runs} ${path} · ${netName}`);
        const net = openNetwork(netName);
        try {
          const result = await runPath(path, {
            browser,
            net,
            seconds,
            warmupSec,
            partMs,
            peers: !values['no-peers'],
            say: (t) => bar.update(t),
          });
          bar.done('done');
          printPath(result, METHOD);
          await chartPath(result, `latency-${path}-${netName}`);
          results.push(result);
        } finally {
          await net.close();
        }
      }
    }
    if (values.sweep) {
      for (const part of sweepParts) {
        const bar = progress(`${++done}/${runs} part sweep ${part} ms`);
        const net = openNetwork('clean');
        try {
          const result = await runPath('rtmp-llhls', {
            browser,
            net,
            seconds,
            warmupSec,
            partMs: part,
            peers: false,
            players: ['hlsjs', 'hlsjs-watch', 'shaka'],
            say: (t) => bar.update(t),
          });
          bar.done('done');
          for (const v of result.viewers)
            sweep.push({ partMs: part, player: v.label, p50Ms: v.total.median, stalls: v.stalls });
          results.push(result);
        } finally {
          await net.close();
        }
      }
      await chartSweep(sweep);
      printSweep(sweep);
    }
  } finally {
    await browser.close();
  }
  const file = writeResults(`latency-${nets.join('+')}${values.sweep ? '-sweep' : ''}`, {
    method: METHOD,
    seconds,
    warmupSec,
    partMs,
    results,
    sweep,
  });
  process.stdout.write(`\nrecord: ${file}\ncharts: benchmarks/results/latency-*.svg\n`);
}

function printSweep(points: ReadonlyArray<{ partMs: number; player: string; p50Ms: number; stalls: number }>): void {
  process.stdout.write('\nPart-size sweep (RTMP → LL-HLS, clean loopback): glass-to-glass p50 ms / stalls\n');
  for (const p of points)
    process.stdout.write(
      `  ${String(p.partMs).padStart(4)} ms parts  ${p.player.padEnd(16)} ${p.p50Ms.toFixed(0).padStart(6)} ms  ${p.stalls} stalls\n`,
    );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `bench:latency failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
