/**
 * `npm run bench:cascade`: glass-to-glass latency through an SFU cascade. The origin (Glint, werift SFU) listens on
 * the root end of a veth pair; an edge SFU process (`npm run sfu:edge`) runs in a network namespace of its own on the
 * other end, once with werift and once with mediasoup (when its worker is built). In one Chromium, a publisher page
 * paints the time into its frames (WHIP to the origin), one viewer watches the origin and one the edge (WHEP); both
 * read the same frames, so each frame gives the edge's extra delay. Prints a table, writes a chart and the numbers
 * under benchmarks/results/. Needs root (ip netns). Stops by itself (watchdog).
 */
import { cpus, loadavg } from 'node:os';
import { readyMediasoup } from '@glint/media-server';
import { startGlint, type TestGlint } from '@glint/testkit/media-server';
import type { Browser } from 'playwright-core';
import { chartCascade, printCascade } from './cascade/report-cascade.ts';
import { type CascadeOptions, type CascadeRun, runCascade, startOriginSide } from './cascade/run-cascade.ts';
import { guardRun } from './lib/guard.ts';
import { progress } from './lib/progress.ts';
import { writeResults } from './lib/results.ts';
import { Scratch } from './lib/scratch.ts';
import { openCappedLink } from './webrtc-layers/link.ts';
import { launchChromiumIn } from './webrtc-layers/viewer.ts';

const WATCHDOG_MS = 240_000;
const OPTIONS: CascadeOptions = { warmMs: 4000, samples: 300, collectTimeoutMs: 40_000 };
const CHANNEL = 'cascade';

const scratch = new Scratch();
guardRun('bench:cascade', scratch, WATCHDOG_MS);
let browser: Browser | undefined;
let origin: TestGlint | undefined;
// A namespace index of its own (bench:webrtc:layers uses pid % 64).
const link = openCappedLink(64 + (process.pid % 64));

async function main(): Promise<void> {
  const machine = `${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), Node ${process.version}`;
  const loadBefore = loadavg()[0] ?? Number.NaN;
  const p = progress('cascade');
  p.update('starting the origin');
  origin = await startGlint([CHANNEL], {
    host: link.serverAddress,
    webrtcBindAddress: link.serverAddress,
    sfuEngine: 'werift',
  });
  const originUrl = `http://${link.serverAddress}:${origin.glint.httpPort}`;
  // The browser runs in the namespace with the edge (the viewers' machine): its origin viewer and the publisher
  // reach the origin across the veth pair, its edge viewer reaches the edge next to it.
  browser = await launchChromiumIn(link.namespace, scratch.dir('glint-cascade-'), link.serverAddress, [
    link.viewerAddress,
  ]);
  const setup = {
    browser,
    pageUrl: `${originUrl}/whep/${CHANNEL}/layers`,
    scratch,
    originUrl,
    channel: CHANNEL,
    streamKey: origin.keys[CHANNEL] ?? '',
    namespace: link.namespace,
    edgeAddress: link.viewerAddress,
  };
  p.update('publishing to the origin and watching it');
  const originSide = await startOriginSide(setup);
  const engines = readyMediasoup() ? (['werift', 'mediasoup'] as const) : (['werift'] as const);
  if (engines.length === 1) p.update('mediasoup edge skipped: its worker is not built (npm run sfu:build)');
  const runs: CascadeRun[] = [];
  for (const engine of engines) runs.push(await runCascade(setup, originSide, engine, OPTIONS, (t) => p.update(t)));
  p.done(runs.map((r) => `${r.edgeEngine}: ${r.extraMs.length} paired frames`).join(', '));
  const loadAfter = loadavg()[0] ?? Number.NaN;
  const shared = `Machine: ${machine}; load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after (shared, noisy: compare medians and the per-frame differences).`;
  printCascade(
    runs,
    [
      'One headless Chromium (one clock), three tabs. The publisher paints a 640x360 canvas every 33 ms with the time',
      '(the band kit of bench:webrtc) and publishes canvas.captureStream(30), H.264, capped at 1.5 Mbit/s, over WHIP to the',
      `origin (startGlint, werift SFU) on ${link.serverAddress}, the root end of a veth pair. An edge SFU process (npm run`,
      `sfu:edge) runs with ip netns exec in ${link.namespace} on ${link.viewerAddress} and pulls the channel from the origin as one WHEP`,
      'viewer (werift client, DTLS-SRTP over the veth). One tab watches the origin, one the edge; each presented frame is',
      'read back (requestVideoFrameCallback) and display time − painted time kept. Frames read by both tabs are paired by',
      `their stamp: edge − origin is the cascade's own cost. ${OPTIONS.samples} edge frames after ${OPTIONS.warmMs / 1000} s of warm-up, per edge engine.`,
      shared,
    ].join('\n        '),
  );
  const chart = await chartCascade(runs, `${machine}; shared machine, one run`);
  const json = writeResults('cascade', {
    machine,
    loadAverage: { before: loadBefore, after: loadAfter },
    options: OPTIONS,
    runs: runs.map((r) => ({
      edgeEngine: r.edgeEngine,
      originMs: r.origin.map((s) => s.latencyMs),
      edgeMs: r.edge.map((s) => s.latencyMs),
      extraMs: r.extraMs,
      edgeFirstFrameMs: r.edgeFirstFrameMs,
      clockSkewMs: r.clockSkewMs,
    })),
  });
  process.stderr.write(`chart: ${chart}\nnumbers: ${json}\n`);
}

async function cleanUp(): Promise<void> {
  await browser?.close().catch(() => {});
  await origin?.stop().catch(() => {});
  scratch.cleanUp();
  link.close();
}

main()
  .then(async () => {
    await cleanUp();
    process.exit(0);
  })
  .catch(async (error: unknown) => {
    process.stderr.write(
      `bench:cascade failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    await cleanUp();
    process.exit(1);
  });
