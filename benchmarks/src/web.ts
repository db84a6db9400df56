/**
 * `npm run bench:web`: how fast the watch page shows video, and how much JavaScript it carries.
 * One Glint server on loopback with one live channel (ffmpeg test pattern, 640×360 at 30 fps, x264 zerolatency
 * without B-frames, 1 s GOP, AAC, over RTMP); Chromium opens, in a fresh context each time (a first visit):
 *   LL-HLS   Glint's watch page /watch/<ch>               peer: hls.js alone on the same playlist
 *   WebRTC   Glint's watch page /watch/<ch>?mode=webrtc   peer: the WHEP client alone on the same endpoint
 * The pages alternate, run by run, so load drifts hit both. Goals: ≤ 1.0 s (LL-HLS) and ≤ 0.5 s (WebRTC).
 * Options: --runs=9. Prints a table, writes results/web-first-frame.svg and a JSON record. Stops by itself.
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { launchChromium, requireTool, until } from '@glint/testkit';
import { startGlint } from '@glint/testkit/media-server';
import { guardRun } from './lib/guard.ts';
import { progress } from './lib/progress.ts';
import { writeResults } from './lib/results.ts';
import { Scratch } from './lib/scratch.ts';
import { gzippedBytes, type PageTiming, timeFirstFrame } from './web/first-frame.ts';
import { startPeerPages } from './web/peer-pages.ts';
import { chartWeb, printWeb, type WebRun } from './web/report.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '9' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs <= 0) throw new Error('--runs: a whole number > 0');
const CHANNEL = 'benchweb';
const scratch = new Scratch();
guardRun('bench:web', scratch, 15 * 60_000);

async function main(): Promise<void> {
  const machine = `${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), Node ${process.version}`;
  const loadBefore = loadavg()[0] ?? Number.NaN;
  const t = await startGlint([CHANNEL], { logLevel: 'warn' });
  const peers = await startPeerPages();
  const browser = await launchChromium({ webrtc: true });
  const publisher = scratch.spawn(
    requireTool('ffmpeg'),
    [
      ...['-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30'],
      ...['-re', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'],
      ...['-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-bf', '0', '-g', '30'],
      ...['-keyint_min', '30', '-sc_threshold', '0', '-b:v', '1000k', '-pix_fmt', 'yuv420p'],
      ...['-c:a', 'aac', '-b:a', '96k', '-ar', '48000', '-ac', '2', '-f', 'flv', t.rtmp(CHANNEL)],
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  try {
    await until(async () => (await fetch(t.http(`/live/${CHANNEL}/index.m3u8`))).ok, {
      what: 'the channel live',
      timeoutMs: 20_000,
    });
    // A few seconds of stream, so every page joins a steady live edge rather than the first segment.
    await new Promise((resolve) => setTimeout(resolve, 4000));
    const pages: { page: string; path: WebRun['path']; goalMs: number; url: string }[] = [
      { page: 'Glint watch page', path: 'LL-HLS', goalMs: 1000, url: t.http(`/watch/${CHANNEL}`) },
      {
        page: 'peer: hls.js alone',
        path: 'LL-HLS',
        goalMs: 1000,
        url: peers.hls(t.http(`/live/${CHANNEL}/index.m3u8`)),
      },
      { page: 'Glint watch page', path: 'WebRTC', goalMs: 500, url: t.http(`/watch/${CHANNEL}?mode=webrtc`) },
      { page: 'peer: WHEP client alone', path: 'WebRTC', goalMs: 500, url: peers.whep(t.http(`/whep/${CHANNEL}`)) },
    ];
    const timings = pages.map(() => [] as PageTiming[]);
    const failures = pages.map(() => 0);
    const p = progress('first frame');
    for (let run = 0; run < runs; run++) {
      for (const [i, page] of pages.entries()) {
        p.update(`run ${run + 1}/${runs}: ${page.path} ${page.page}`);
        try {
          timings[i]?.push(await timeFirstFrame(browser, page.url));
        } catch (error) {
          failures[i] = (failures[i] ?? 0) + 1;
          process.stderr.write(`\n${page.path} ${page.page}: no frame (${(error as Error).message.split('\n')[0]})\n`);
        }
      }
    }
    p.done('done');
    const results: WebRun[] = [];
    for (const [i, page] of pages.entries()) {
      const measured = timings[i] ?? [];
      results.push({
        page: page.page,
        path: page.path,
        goalMs: page.goalMs,
        timings: measured,
        failures: failures[i] ?? 0,
        scriptGzipBytes: await gzippedBytes(measured[0]?.scriptUrls ?? []),
      });
    }
    const note = `${machine}; load ${loadBefore.toFixed(2)} before, ${(loadavg()[0] ?? Number.NaN).toFixed(2)} after`;
    printWeb(
      results,
      [
        `${runs} runs per page, alternating; each a fresh Chromium context on loopback (nothing cached), timed by`,
        'the page itself from navigation start to the first frame presented (requestVideoFrameCallback).',
        'JS = script bytes the page loaded (Glint serves them uncompressed; peers: hls.min.js, or the WHEP client).',
        `hls.min.js alone is ${(peers.hlsJsBytes / 1024).toFixed(0)} kB. Machine: ${note}.`,
      ].join('\n        '),
    );
    const chart = await chartWeb(results, note);
    const json = writeResults('web', { machine, runs, results });
    console.log(`\nchart: ${chart}\nrecord: ${json}`);
  } finally {
    await scratch.stop(publisher);
    await browser.close();
    await peers.close();
    await t.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
