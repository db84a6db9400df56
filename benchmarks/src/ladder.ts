/**
 * `npm run bench:ladder`: what Glint's transcoding ladder costs per channel, and how many this machine sustains.
 * A 1080p30 source (H.264 High with B-frames + AAC, as OBS sends it; encoded once, replayed in real time over RTMP)
 * is fed to 1, 2, 3… channels of a whole Glint with its ladder on (720p, 480p, 360p); the peer makes the same rungs
 * the classic way, one ffmpeg per rung each decoding the source, in the same run. Options:
 *   --seconds=20        measured window per run (after --warmup=5)
 *   --max-ladders=3     most Glint channels at once (stops earlier at the first count that falls behind)
 *   --max-peers=2       most peer channels at once (same rule)
 * Prints a progress line, a table, writes results/ladder-cpu.svg and a JSON record. Stops by itself.
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { runLadderBench } from './ladder/bench.ts';
import { chartLadder, printLadder } from './ladder/report.ts';
import { DEFAULT_RUNGS, DEFAULT_SOURCE, describeRungs } from './ladder/rungs.ts';
import { guardRun } from './lib/guard.ts';
import { progress } from './lib/progress.ts';
import { writeResults } from './lib/results.ts';
import { Scratch } from './lib/scratch.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '5' },
    'max-ladders': { type: 'string', default: '3' },
    'max-peers': { type: 'string', default: '2' },
  },
});
const windowMs = Number(values.seconds) * 1000;
const warmMs = Number(values.warmup) * 1000;
const maxLadders = Number(values['max-ladders']);
const maxPeers = Number(values['max-peers']);
for (const [name, n] of Object.entries({ windowMs, warmMs, maxLadders, maxPeers })) {
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name}: not a number ≥ 0`);
}
const scratch = new Scratch();
guardRun('bench:ladder', scratch, 90_000 + (maxLadders + maxPeers) * (windowMs + warmMs + 45_000));

async function main(): Promise<void> {
  const machine = `${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), Node ${process.version}`;
  const loadBefore = loadavg()[0] ?? Number.NaN;
  const result = await runLadderBench({
    scratch,
    source: DEFAULT_SOURCE,
    rungs: DEFAULT_RUNGS,
    maxLadders,
    maxPeers,
    timing: { warmMs, windowMs },
    step: (label) => {
      const p = progress(label);
      return { update: (t) => p.update(t), done: (t) => p.done(t) };
    },
  });
  const loadAfter = loadavg()[0] ?? Number.NaN;
  const s = DEFAULT_SOURCE;
  const verdict = printLadder(
    result,
    [
      `ffmpeg encodes ${s.seconds} s of ${s.width}x${s.height} ${s.fps} fps testsrc2 with temporal noise once (x264 veryfast, High,`,
      `2 B-frames, 1 s GOP, ${s.videoKbps} kb/s) + AAC; this process replays it in real time, looped, over RTMP (our client) to a`,
      `whole Glint with GLINT_LADDER = ${describeRungs(DEFAULT_RUNGS, s)} on N channels (one ladder ffmpeg each).`,
      'Peer: per channel one ffmpeg per rung, each fed the same FLV video on stdin in real time, each decoding it and',
      "making one rung with the ladder's settings (1 decoder thread, bilinear scale, x264 veryfast zerolatency, no",
      "B-frames, keyframes on the source's), MPEG-TS out to /dev/null. Per run: a warm-up, then a window; CPU = utime +",
      "stime from /proc/<pid>/stat of the channel's ffmpeg(s) over the window ÷ wall time; RTF = rung media made ÷ wall",
      'time (1 − lag growth ÷ window); lag = source sent − slowest rung out (Glint: ladder.stats.lagMs; peer: ffmpeg',
      `-progress out_time). Window ${windowMs / 1000} s after ${warmMs / 1000} s. Machine: ${machine}; load average`,
      `${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after (shared).`,
    ].join('\n        '),
  );
  const chart = await chartLadder(result, `${machine}; ${windowMs / 1000} s windows, one run, shared machine`);
  const json = writeResults('ladder', {
    machine,
    loadAverage: { before: loadBefore, after: loadAfter },
    ...result,
    verdict,
  });
  process.stderr.write(`chart: ${chart}\nnumbers: ${json}\n`);
}

main()
  .then(() => {
    scratch.cleanUp();
    process.exit(0);
  })
  .catch((error: unknown) => {
    process.stderr.write(
      `bench:ladder failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    scratch.cleanUp();
    process.exit(1);
  });
