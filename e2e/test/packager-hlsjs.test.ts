/**
 * The packager alone, played by hls.js in low-latency mode in Chromium: H.264 with B-frames and AAC from ffmpeg,
 * fed in real time, served by the packager's own HTTP face. At least 15 s with no stall; prints the latency; hls.js
 * gets delta updates (EXT-X-SKIP) once the playlist is longer than the skip boundary.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { LivePackager, LlhlsHttp } from '@glint/llhls-packager';
import { launchChromium, makeFixture, until } from '@glint/testkit';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { feedLive } from '../support/live-feeder.ts';
import { PackagerTimeline } from '../support/llhls-timeline.ts';
import { describePlayback, installProbe, observePlayback } from '../support/player-probe.ts';
import { describeVerdicts, judgeStalls, paceToleranceSec } from '../support/stall-judge.ts';

const hlsJs = readFileSync(createRequire(import.meta.url).resolve('hls.js/dist/hls.min.js'));
const page = (src: string) => `<!doctype html><meta charset="utf-8"><title>packager</title>
<video id="v" muted autoplay playsinline style="width:640px"></video>
<script src="/hls.js"></script>
<script>
  const hls = new Hls({ lowLatencyMode: true, backBufferLength: 10, maxLiveSyncPlaybackRate: 1.5 });
  window.hls = hls;
  hls.loadSource(${JSON.stringify(src)});
  hls.attachMedia(document.getElementById('v'));
</script>`;

let server: Server;
let browser: Browser;
let packager: LivePackager;
let http: LlhlsHttp;
let stopFeed = () => {};

beforeAll(async () => {
  const fixture = makeFixture({ seconds: 28, width: 640, height: 360, videoKbps: 1200 });
  packager = new LivePackager();
  packager.setAudioConfig(fixture.audioConfig);
  http = new LlhlsHttp(packager);
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/') {
      res.writeHead(200, { 'Content-Type': 'text/html' }).end(page('/live/index.m3u8'));
    } else if (url.pathname === '/hls.js') {
      res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(hlsJs);
    } else if (url.pathname.startsWith('/live/')) {
      http.handle(req, res, url.pathname.slice('/live/'.length), url.searchParams);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  browser = await launchChromium();
  stopFeed = feedLive(packager, fixture);
}, 120_000);

afterAll(async () => {
  stopFeed();
  http?.close();
  await browser?.close();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

it('plays in hls.js lowLatencyMode for 15 s with no stall, on delta updates (EXT-X-SKIP) once the window allows', async () => {
  const tab = await browser.newPage();
  const logs: string[] = [];
  tab.on('console', (m) => logs.push(m.text()));
  // What the server answered to hls.js's delta-update requests (_HLS_skip=YES|v2), read from the responses.
  const deltas = { requested: 0, skipped: 0, pending: [] as Promise<void>[] };
  tab.on('response', (res) => {
    if (!/[?&]_HLS_skip=(YES|v2)/.test(res.url())) return;
    deltas.requested++;
    deltas.pending.push(
      res.text().then(
        (body) => {
          if (/^#EXT-X-SKIP:SKIPPED-SEGMENTS=[1-9]/m.test(body)) deltas.skipped++;
        },
        () => {},
      ),
    );
  });
  await installProbe(tab);
  const timeline = new PackagerTimeline(packager);
  // Join a live stream as a viewer does, a few segments in: hls.js then plays at the live edge, where parts are
  // loaded as they appear (a player that starts at the first segment stays seconds behind and never sees the edge).
  await until(() => ((packager.rendition('video')?.lastCompleteMsn ?? -1) >= 2 ? true : undefined), {
    what: 'three complete segments',
    timeoutMs: 15_000,
  });
  const { port } = server.address() as AddressInfo;
  await tab.goto(`http://127.0.0.1:${port}/`);
  const report = await observePlayback(tab, 15);
  const windowEnd = performance.now();
  timeline.stop();
  const verdicts = judgeStalls(report, timeline);
  const waits = packager.renditions.map(
    (r) => `${r.name} ${Math.round(timeline.longestWaitMs(r.name, report.windowStartedAtMs, windowEnd))} ms`,
  );
  console.log(
    `${describePlayback('packager → hls.js', report)}\n  ${describeVerdicts(verdicts)}; longest wait for a part ${waits.join(', ')}`,
  );
  expect(report.fatalErrors, logs.join('\n')).toEqual([]);
  // The server's part, exactly: no segment completed within 150 ms of media after the part before its last (AAC's
  // 21 ms frames leave a short last audio part; hls.js skips such a part and stalls if it comes a frame later).
  expect(timeline.earlyCompletions(0.15)).toEqual([]);
  // The browser's, with a tolerance this machine meets: at most one stall in 15 s that a starved page or a paused
  // feeder does not explain (two full suites side by side on 2 cores gave one in about 1 of 5 runs; reported above).
  expect(verdicts.filter((v) => v.cause === 'unexplained').length).toBeLessThanOrEqual(1);
  // Without any stall, playback kept pace with the clock (hls.js plays up to 1.5x to catch up, never slower).
  if (verdicts.length === 0) expect(report.playedSec).toBeGreaterThan(report.wallSec - paceToleranceSec(report));
  // Latency is reported, not asserted: targets belong to benchmarks (this machine is shared and noisy).
  expect(report.latencySec.length).toBeGreaterThan(10);
  // The window (18 s) is longer than the skip boundary (6 s): hls.js asks for delta updates and gets EXT-X-SKIP.
  await Promise.all(deltas.pending);
  console.log(`[packager → hls.js] delta updates: ${deltas.skipped} of ${deltas.requested} _HLS_skip requests skipped`);
  expect(deltas.requested).toBeGreaterThan(0);
  expect(deltas.skipped).toBeGreaterThan(0);
  // A longer window holds segment bytes only: parts of the 4 newest complete segments and the open one remain. A
  // segment ends at the first keyframe past its 1 s target, so it spans up to 6 parts of 200 ms (the whole 18 s
  // window would be ~90).
  for (const rendition of packager.renditions) expect(rendition.heldParts, rendition.name).toBeLessThanOrEqual(5 * 6);
}, 90_000);
