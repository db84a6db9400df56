/**
 * Quality switching on real LL-HLS: Glint's packager serving a source and two transcoded rungs (video-only renditions
 * cut at the source's boundaries, sharing the source's audio), played by the watch page's hls.js in low-latency mode.
 * A hand-picked rung plays (hls.js switches, the video's height follows) with no stall, and Auto comes back.
 */
import { LivePackager, LlhlsHttp } from '@glint/llhls-packager';
import { type Fixture, launchChromium, makeFixture, until } from '@glint/testkit';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readStreamInfs } from '../support/ladder-hls.ts';
import { feedLadder } from '../support/live-feeder.ts';
import { expectedLabels, openWatchPage, view, waitForHeight, waitForPlayback } from '../support/quality-page.ts';
import { startWatchOrigin, type WatchOrigin } from '../support/watch-origin.ts';

// Enough media for both tests on a slow machine: the feed starts before the first test and must not end in the last.
const SECONDS = 45;
const RUNGS = [
  { name: '240p', width: 426, height: 240, videoKbps: 400 },
  { name: '144p', width: 256, height: 144, videoKbps: 150 },
];

let packager: LivePackager;
let http: LlhlsHttp;
let origin: WatchOrigin;
let browser: Browser;
let stopFeed = () => {};

beforeAll(async () => {
  const source = makeFixture({ seconds: SECONDS, width: 640, height: 360, videoKbps: 1200 });
  const rungs: Array<{ name: string; fixture: Fixture }> = RUNGS.map((r) => ({
    name: r.name,
    fixture: makeFixture({ seconds: SECONDS, width: r.width, height: r.height, videoKbps: r.videoKbps }),
  }));
  for (const { name, fixture } of rungs) {
    // Timestamps and keyframes as the source's, or the packager could not cut the rung where it cuts the source.
    expect(
      fixture.video.map((au) => [au.dts90k, au.keyframe]),
      name,
    ).toEqual(source.video.map((au) => [au.dts90k, au.keyframe]));
  }
  packager = new LivePackager();
  packager.setAudioConfig(source.audioConfig);
  packager.expectRungs(() => RUNGS.map((r) => r.name));
  http = new LlhlsHttp(packager);
  [origin, browser] = await Promise.all([startWatchOrigin((...args) => http.handle(...args)), launchChromium()]);
  stopFeed = feedLadder(packager, source, rungs);
  await until(
    () =>
      packager.renditions.length === 2 + RUNGS.length &&
      packager.renditions.every((r) => (r.lastCompleteMsn ?? -1) >= 2),
    { what: 'three complete segments in every rendition', timeoutMs: 30_000 },
  );
}, 120_000);

afterAll(async () => {
  stopFeed();
  http?.close();
  await browser?.close();
  await origin?.close();
});

it('plays a hand-picked rung of an LL-HLS ladder without stalling, and goes back to Auto', async () => {
  const master = await (await fetch(origin.watchUrl.replace('/watch', '/hls/index.m3u8'))).text();
  const variants = readStreamInfs(master);
  expect(variants.map((v) => v.height).sort((a, b) => b - a)).toEqual([360, 240, 144]);
  const tab = await browser.newPage();
  const errors: string[] = [];
  tab.on('pageerror', (e) => errors.push(e.message));
  await openWatchPage(tab, origin.watchUrl);
  await waitForPlayback(tab);
  expect(await tab.inputValue('#quality')).toBe('auto');
  // The packager measures bandwidth as media arrives: compare with the playlist hls.js read, as hls.js parsed it.
  const seen = await tab.evaluate(() =>
    (window as unknown as { glintPlayer: { hls: import('hls.js').default } }).glintPlayer.hls.levels.map((l) => ({
      width: l.width,
      height: l.height,
      bandwidth: l.bitrate,
      codecs: '',
      audio: '',
    })),
  );
  expect(await tab.locator('#quality option').allTextContents()).toEqual(['Auto', ...expectedLabels(seen)]);

  const waitingBefore = (await view(tab)).waitingAfterPlay;
  for (const height of [144, 360, 240]) {
    const label = expectedLabels(seen).find((l) => l.includes(`${height}p`)) ?? '';
    await tab.selectOption('#quality', { label });
    const at = await waitForHeight(tab, height);
    expect(at.autoLevelEnabled).toBe(false);
  }
  const after = await view(tab);
  const stalls = after.waitingAfterPlay - waitingBefore;
  console.log(
    `[quality llhls] levels switched ${after.switched.join(' → ')}; waiting events during three manual switches: ${stalls}; latency ${after.latency}`,
  );
  expect(stalls).toBeLessThanOrEqual(1);

  await tab.selectOption('#quality', 'auto');
  await until(async () => (await view(tab)).autoLevelEnabled, { what: 'hls.js back on automatic quality' });
  const playedAt = (await view(tab)).currentTime;
  await until(async () => (await view(tab)).currentTime > playedAt + 1, { what: 'playback going on after Auto' });
  expect(errors).toEqual([]);
  await tab.close();
}, 60_000);

it('on Auto, steps down to the lowest rung of the LL-HLS ladder when the network is throttled', async () => {
  const tab = await browser.newPage();
  await openWatchPage(tab, origin.watchUrl);
  await waitForPlayback(tab);
  const before = await view(tab);
  expect(before.autoLevelEnabled).toBe(true);
  const cdp = await tab.context().newCDPSession(tab);
  await cdp.send('Network.enable');
  // 450 kbit/s: room for the 144p rung with the source's audio (about 320 kbit/s), not for 240p (about 580 kbit/s).
  const kbps = 450;
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 20,
    downloadThroughput: (kbps * 1000) / 8,
    uploadThroughput: (kbps * 1000) / 8,
  });
  const startedAt = performance.now();
  const down = await waitForHeight(tab, 144, 40_000);
  console.log(
    `[quality llhls] throttled to ${kbps} kbit/s at ${before.levelHeight}p: auto reached 144p in ${Math.round(performance.now() - startedAt)} ms (levels ${down.switched.join(' → ')}; ${down.waitingAfterPlay} waiting events; latency ${down.latency})`,
  );
  expect(down.autoLevelEnabled).toBe(true);
  await tab.close();
}, 60_000);
