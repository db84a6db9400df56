/**
 * Quality switching on the watch page, in Chromium: a live multi-variant HLS stream (three video rungs sharing one
 * audio rendition, from ffmpeg) played by the page's hls.js. The page starts on Auto, lists every rendition by
 * resolution and bitrate, plays a rendition picked by hand (hls.js switches to it and the video's height follows)
 * without stalling, and returns to Auto; with the network throttled (Chrome DevTools Protocol), Auto steps down.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { launchChromium, makeTempDir, type TempDir, until } from '@glint/testkit';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type LadderHls, readStreamInfs, type StreamInf, startLadderHls } from '../support/ladder-hls.ts';
import { expectedLabels, openWatchPage, view, waitForHeight, waitForPlayback } from '../support/quality-page.ts';
import { startWatchOrigin, type WatchOrigin } from '../support/watch-origin.ts';

const SCREENSHOTS = new URL('../../player/test-results/', import.meta.url);
const RUNGS = [
  { width: 960, height: 540, videoKbps: 2000 },
  { width: 640, height: 360, videoKbps: 800 },
  { width: 426, height: 240, videoKbps: 300 },
];

let dir: TempDir;
let ladder: LadderHls;
let origin: WatchOrigin;
let browser: Browser;
let variants: StreamInf[];

beforeAll(async () => {
  dir = makeTempDir('quality');
  ladder = startLadderHls(dir.path, RUNGS);
  [origin, browser] = await Promise.all([startWatchOrigin(dir.path), launchChromium(), ladder.ready(3)]);
  variants = readStreamInfs(readFileSync(ladder.master, 'utf8'));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await origin?.close();
  ladder?.stop();
  dir?.remove();
});

it('starts on Auto, lists every rendition, plays a hand-picked one without stalling and goes back to Auto', async () => {
  expect(variants.map((v) => v.height)).toEqual([540, 360, 240]);
  expect(new Set(variants.map((v) => v.audio)).size).toBe(1);
  const tab = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors: string[] = [];
  tab.on('pageerror', (e) => errors.push(e.message));
  await openWatchPage(tab, origin.watchUrl);
  await waitForPlayback(tab);

  expect(await tab.inputValue('#quality')).toBe('auto');
  expect(await tab.isVisible('#quality')).toBe(true);
  expect(await tab.locator('label#quality-menu').textContent()).toContain('Quality');
  const labels = await tab.locator('#quality option').allTextContents();
  expect(labels).toEqual(['Auto', ...expectedLabels(variants)]);
  const started = await view(tab);
  expect(started.autoLevelEnabled).toBe(true);
  await until(async () => /^\d+\.\d\d s$/.test((await view(tab)).latency), { what: 'the latency badge' });
  // The rendition badge follows hls.js's first level switch, which a busy machine may deliver after playback began.
  await until(async () => /^\d+p · [\d.]+ [kM]bit\/s$/.test((await view(tab)).rendition), {
    what: 'the rendition badge',
  });

  // The menu, opened from the keyboard, as a viewer sees it.
  await tab.focus('#quality');
  await tab.keyboard.press('Enter');
  mkdirSync(SCREENSHOTS, { recursive: true });
  await tab.screenshot({ path: new URL('quality-menu.png', SCREENSHOTS).pathname });
  await tab.keyboard.press('Escape');

  // By hand: the lowest rung, then the source. hls.js switches at the next fragment (nextLevel), keeping what it has.
  const waitingBefore = (await view(tab)).waitingAfterPlay;
  for (const label of [expectedLabels(variants)[2], expectedLabels(variants)[0]]) {
    const height = Number(/(\d+)p/.exec(label ?? '')?.[1]);
    await tab.selectOption('#quality', { label: label ?? '' });
    const at = await waitForHeight(tab, height);
    expect(at.autoLevelEnabled).toBe(false);
    expect(at.switched.at(-1)).toBe(at.currentLevel);
    expect(await tab.inputValue('#quality')).toBe(String(at.currentLevel));
  }
  const afterSwitches = await view(tab);
  const stalls = afterSwitches.waitingAfterPlay - waitingBefore;
  console.log(
    `[quality] levels switched ${afterSwitches.switched.join(' → ')}; waiting events during two manual switches: ${stalls} (${afterSwitches.waitingAfterPlay} since playback began); latency ${afterSwitches.latency}`,
  );
  // A busy 2-core machine may starve the page once; a switch that flushed the buffer would stall on each.
  expect(stalls).toBeLessThanOrEqual(1);

  // Back to Auto from the keyboard: open the menu, Home to its first entry, Enter.
  await tab.focus('#quality');
  await tab.keyboard.press('Enter');
  await tab.keyboard.press('Home');
  await tab.keyboard.press('Enter');
  await until(async () => (await view(tab)).autoLevelEnabled, { what: 'hls.js back on automatic quality' });
  expect(await tab.inputValue('#quality')).toBe('auto');
  const playedAt = (await view(tab)).currentTime;
  await until(async () => (await view(tab)).currentTime > playedAt + 1, { what: 'playback going on after Auto' });
  expect(errors).toEqual([]);
  await tab.close();
}, 60_000);

it('on Auto, steps down to the lowest rendition when the network is throttled', async () => {
  const tab = await browser.newPage();
  await openWatchPage(tab, origin.watchUrl);
  await waitForPlayback(tab);
  const lowest = Math.min(...variants.map((v) => v.height));
  const before = await view(tab);
  expect(before.autoLevelEnabled).toBe(true);
  const cdp = await tab.context().newCDPSession(tab);
  await cdp.send('Network.enable');
  // 600 kbit/s: room for the lowest rung (about 436 kbit/s with audio), not for the next (about 986 kbit/s).
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 40,
    downloadThroughput: 600_000 / 8,
    uploadThroughput: 600_000 / 8,
  });
  const startedAt = performance.now();
  const down = await waitForHeight(tab, lowest, 40_000);
  console.log(
    `[quality] throttled to 600 kbit/s at ${before.levelHeight}p: auto reached ${lowest}p in ${Math.round(performance.now() - startedAt)} ms (levels ${down.switched.join(' → ')})`,
  );
  expect(down.autoLevelEnabled).toBe(true);
  expect(await tab.textContent('#rendition')).toMatch(new RegExp(`^${lowest}p`));
  await tab.close();
}, 60_000);

it('with a single-variant playlist, hides the menu and still shows the rendition playing', async () => {
  // The ladder's multivariant playlist cut to its smallest variant (and the shared audio), as a channel without a
  // ladder serves it.
  const master = readFileSync(ladder.master, 'utf8');
  const single = master.replace(/^#EXT-X-STREAM-INF:.*\n(?!#).*\n/gm, (entry) => (/x240,/.test(entry) ? entry : ''));
  expect(readStreamInfs(single).map((v) => v.height)).toEqual([240]);
  writeFileSync(dir.file('single.m3u8'), single);
  const tab = await browser.newPage();
  await openWatchPage(tab, origin.watchUrlFor('single'));
  await waitForPlayback(tab);
  await waitForHeight(tab, 240);
  expect(await tab.locator('#quality option').allTextContents()).toEqual(['Auto', 'Source (240p)']);
  expect(await tab.isHidden('#quality-menu')).toBe(true);
  expect(await tab.textContent('#rendition')).toBe(`240p · ${Math.round((variants[2]?.bandwidth ?? 0) / 1000)} kbit/s`);
  await tab.close();
}, 60_000);

it('offers no HLS quality in WebRTC mode; back on LL-HLS the menu returns with the pick the viewer made', async () => {
  const tab = await browser.newPage();
  await openWatchPage(tab, origin.watchUrl);
  await waitForPlayback(tab);
  const label = expectedLabels(variants)[2] ?? '';
  await tab.selectOption('#quality', { label });
  await waitForHeight(tab, 240);
  // This origin has no WHEP endpoint: the page stays in WebRTC mode, retrying, with nothing to choose.
  await tab.click('#mode-webrtc');
  await until(async () => (await tab.isHidden('#quality-menu')) && (await tab.textContent('#rendition')) === '–', {
    what: 'the quality menu hidden in WebRTC mode',
  });
  await tab.click('#mode-llhls');
  await until(async () => (await tab.locator('#quality option').count()) === 1 + variants.length, {
    what: 'the quality menu back with LL-HLS',
    timeoutMs: 20_000,
  });
  // A new hls.js instance, the same pick: 240p plays again, chosen by hand.
  await until(
    async () => {
      const v = await view(tab);
      return !v.autoLevelEnabled && v.levelHeight === 240 && v.videoHeight === 240 && v.rendition.startsWith('240p');
    },
    { what: 'the new player back on 240p', timeoutMs: 20_000 },
  );
  expect(await tab.isVisible('#quality')).toBe(true);
  expect(await tab.locator('#quality option:checked').textContent()).toBe(label);
  await tab.close();
}, 60_000);
