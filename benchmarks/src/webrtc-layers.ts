/**
 * `npm run bench:webrtc:layers`: how fast a WebRTC viewer on Glint settles on a lower layer of the channel's
 * transcoding ladder when its bandwidth drops, and how it comes back up; against the same viewer pinned to the
 * source (`?layer=source`) under the same caps. A real Glint with a ladder (480p, 360p) takes an RTMP source (ffmpeg,
 * 1280x720 30 fps, x264 ~2.5 Mbit/s, 1 s GOP); the viewer is Chromium in a network namespace whose veth to Glint is
 * capped by `tc tbf` (needs root). Prints a table, writes results/webrtc-layers.{json,svg}. Stops by itself.
 * Three viewers in turn, one at a time: the selector as it is (queue from receiver reports + REMB), the selector
 * on REMB and loss alone (as before the queue signal), and the peer pinned to the source.
 * `--trials=N` (default 5), `--modes=layers,remb-loss,source-only` (default all), `--cap-kbps=1600`, `--queue-ms=300`
 * (the cap's queue: tail drop beyond it).
 */
import { cpus } from 'node:os';
import { LAYER_SELECTOR_DEFAULTS, weriftOf } from '@glint/media-server';
import { until } from '@glint/testkit';
import { startGlint } from '@glint/testkit/media-server';
import type { Browser } from 'playwright-core';
import { guardRun } from './lib/guard.ts';
import { progress } from './lib/progress.ts';
import { writeResults } from './lib/results.ts';
import { Scratch } from './lib/scratch.ts';
import { openCappedLink } from './webrtc-layers/link.ts';
import { chartLayers, printLayers } from './webrtc-layers/report.ts';
import { type ModeRun, runTrials, type TrialPlan } from './webrtc-layers/trials.ts';
import { launchChromiumIn, openViewer } from './webrtc-layers/viewer.ts';

const trialsArg = process.argv.find((a) => a.startsWith('--trials='))?.slice('--trials='.length);
const TRIALS = Math.max(1, Math.min(20, Number(trialsArg ?? 5) || 5));
const SOURCE = { width: 1280, height: 720, fps: 30, kbps: 2500 };
const RUNGS = [
  { name: '480p', height: 480, fps: 30, bitrateKbps: 1200 },
  { name: '360p', height: 360, fps: 30, bitrateKbps: 700 },
];
const LADDER = RUNGS.map((r) => `${r.name}${r.fps}:${r.bitrateKbps}`).join(',');
const numberArg = (name: string, fallback: number, min: number, max: number) => {
  const text = process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const n = Number(text ?? fallback);
  if (!Number.isFinite(n) || n < min || n > max) throw new Error(`--${name} must be a number from ${min} to ${max}`);
  return n;
};
const PLAN: TrialPlan = {
  trials: TRIALS,
  capKbps: numberArg('cap-kbps', 1600, 300, 10_000),
  queueMs: numberArg('queue-ms', 300, 20, 5000),
  capMs: 10_000,
  liftMs: 14_000,
  readyTimeoutMs: 30_000,
  pollMs: 50,
};
const PEER_PLAN: TrialPlan = { ...PLAN, liftMs: 5000 };
const CHANNEL = 'layers';
const modeArg = process.argv.find((a) => a.startsWith('--modes='))?.slice('--modes='.length);
const ALL_MODES = ['layers', 'remb-loss', 'source-only'] as const;
const MODES = ALL_MODES.filter((m) => !modeArg || modeArg.split(',').includes(m));
const WATCHDOG_MS = 120_000 + TRIALS * 130_000;

const scratch = new Scratch();
guardRun('bench:webrtc:layers', scratch, WATCHDOG_MS);

async function main(): Promise<void> {
  const p = progress('layers');
  const link = openCappedLink();
  let browser: Browser | undefined;
  const glint = await startGlint([CHANNEL], {
    host: link.serverAddress,
    webrtcBindAddress: link.serverAddress,
    ladder: RUNGS,
    logLevel: 'info',
  });
  try {
    const origin = `http://${link.serverAddress}:${glint.glint.httpPort}`;
    const rtmp = `rtmp://${link.serverAddress}:${glint.glint.rtmpPort}/live/${glint.keys[CHANNEL] ?? ''}`;
    p.update('starting the RTMP source');
    const ffmpeg = scratch.spawn('ffmpeg', sourceArgs(rtmp), { stdio: ['ignore', 'ignore', 'pipe'] });
    const sfu = weriftOf(glint.glint.sfu);
    await until(
      () => {
        if (ffmpeg.process.exitCode !== null) throw new Error(`the source's ffmpeg ended: ${ffmpeg.stderr()}`);
        const layers = sfu.videoLayers(CHANNEL);
        return layers.length >= 3 && layers.every((l) => l.bitrateKbps > 0) ? layers : undefined;
      },
      { what: 'the source and its two rungs as layers, the source measured', timeoutMs: 40_000, intervalMs: 250 },
    );
    // The source's rate settles over its first seconds.
    await new Promise((resolve) => setTimeout(resolve, 4000));
    const layers = sfu.videoLayers(CHANNEL);
    p.update(`layers ${layers.map((l) => `${l.id} ${l.height}p ${l.bitrateKbps} kbit/s`).join(', ')}`);
    browser = await launchChromiumIn(link.namespace, scratch.dir('glint-layers-'), link.serverAddress);
    const runs: ModeRun[] = [];
    for (const mode of MODES) {
      // Each viewer's selector copies the defaults when it subscribes: the REMB + loss mode changes them for its
      // viewer alone (this process only).
      const saved = { ...LAYER_SELECTOR_DEFAULTS };
      if (mode === 'remb-loss') Object.assign(LAYER_SELECTOR_DEFAULTS, { queueSignal: false, trialAfterMs: 0 });
      const viewer = await openViewer(browser, origin, CHANNEL, mode === 'source-only' ? { layer: 'source' } : {});
      Object.assign(LAYER_SELECTOR_DEFAULTS, saved);
      try {
        runs.push(
          await runTrials(sfu, CHANNEL, link, viewer, mode, mode === 'source-only' ? PEER_PLAN : PLAN, (t) =>
            p.update(t),
          ),
        );
      } finally {
        await viewer.close();
      }
    }
    p.done('done');
    const layerText = layers.map((l) => `${l.id} ${l.width}x${l.height} ${l.bitrateKbps} kbit/s`).join(', ');
    const method =
      `Glint (ladder ${LADDER}) fed by ffmpeg over RTMP (testsrc2 ${SOURCE.width}x${SOURCE.height} ${SOURCE.fps} fps, ` +
      `x264 ${SOURCE.kbps} kbit/s, 1 s GOP); layers as measured: ${layerText}. One Chromium WHEP viewer (video only) in ` +
      `a network namespace; its veth to Glint capped by tc tbf at ${PLAN.capKbps} kbit/s (queue ${PLAN.queueMs} ms) ` +
      `for ${PLAN.capMs / 1000} s, then uncapped for ${PLAN.liftMs / 1000} s (peer ${PEER_PLAN.liftMs / 1000} s), ` +
      `${TRIALS} drops per mode; each drop starts on the source with an estimate over its rate. Server side read ` +
      `from the SFU every ${PLAN.pollMs} ms; viewer side from getStats every 100 ms.`;
    const machine = `${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), Node ${process.version}`;
    printLayers(runs, method, [`machine: ${machine}`]);
    // A run off the default cap or queue keeps its own files.
    const name = `webrtc-layers${PLAN.capKbps === 1600 && PLAN.queueMs === 300 ? '' : `-${PLAN.capKbps}k-q${PLAN.queueMs}`}`;
    const chart = await chartLayers(name, runs, `WebRTC layers under a ${PLAN.capKbps} kbit/s cap (${machine})`);
    const results = writeResults(name, {
      method,
      machine,
      plan: PLAN,
      layers,
      trials: runs.flatMap((r) => r.trials),
      // The SFU's switches and the ladder's troubles, to read a trial's path from.
      events: glint.logs.filter((l) => /switched video layer|ladder|rung/i.test(l)).slice(-2000),
    });
    process.stdout.write(`chart: ${chart}\nresults: ${results}\n`);
    await scratch.stop(ffmpeg);
  } finally {
    await browser?.close();
    await glint.stop();
    link.close();
  }
}

function sourceArgs(rtmp: string): string[] {
  const { width, height, fps, kbps } = SOURCE;
  return [
    ...['-hide_banner', '-loglevel', 'error', '-re'],
    ...['-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=${fps}`],
    ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'],
    // Film grain-like noise keeps x264 spending its budget (testsrc2 alone compresses far under 2.5 Mbit/s).
    ...['-vf', 'noise=alls=12:allf=t'],
    ...['-c:v', 'libx264', '-preset', 'superfast', '-tune', 'zerolatency', '-bf', '0', '-pix_fmt', 'yuv420p'],
    ...['-g', String(fps), '-keyint_min', String(fps), '-sc_threshold', '0'],
    ...['-b:v', `${kbps}k`, '-maxrate', `${kbps}k`, '-bufsize', `${kbps}k`],
    ...['-c:a', 'aac', '-b:a', '96k', '-f', 'flv', rtmp],
  ];
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `bench:webrtc:layers failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    scratch.cleanUp();
    process.exit(1);
  },
);
