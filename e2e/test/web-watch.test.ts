/**
 * The web app's watch page in Chromium, against a whole Glint with ffmpeg publishing RTMP and a one-rung ladder: an
 * anonymous viewer opens the live channel and sees frames advance (requestVideoFrameCallback and currentTime), the
 * latency badge with a number, the channel's name, title and viewers; the quality menu lists Auto, the source and
 * the rung; WebRTC plays too (frames advance) and LL-HLS again; theatre and fullscreen toggle by button and by key,
 * as do mute and pause, and no key does anything while typed into a field; the volume set is there after a reload;
 * a page opened in WebRTC mode plays the WHEP session it began while it was being drawn.
 * The publisher stops: the page says offline without a reload and links the broadcast's VOD; it publishes again:
 * playback starts by itself. A signed-in viewer follows and unfollows; an unknown channel has a page saying so;
 * the API unreachable gives the retry state, and Try again recovers. Screenshots at 1280 and 390 px go to
 * player/test-results/.
 */
import { mkdirSync } from 'node:fs';
import { launchChromium, type Publisher, publish, until } from '@glint/testkit';
import { startGlint, type TestGlint } from '@glint/testkit/media-server';
import { callApi } from '@glint/testkit/platform';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BUSY_MACHINE_LAG_MS } from '../support/busy-machine.ts';

const SCREENSHOTS = new URL('../../player/test-results/', import.meta.url);
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const CHANNEL = 'webwatch';
const RUNGS = [{ name: '180p', height: 180, fps: 30, bitrateKbps: 300 }];

let t: TestGlint;
let browser: Browser;
let publisher: Publisher | undefined;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [t, browser] = await Promise.all([
    startGlint([CHANNEL], { ladder: RUNGS, reconnectGraceMs: 1500, ladderMaxLagMs: BUSY_MACHINE_LAG_MS }),
    launchChromium({ webrtc: true }),
  ]);
  publisher = publish(t.rtmp(CHANNEL), { size: '640x360' });
  await until(() => t.glint.hub.isLive(CHANNEL), { what: 'the RTMP publish', timeoutMs: 20_000 });
}, 60_000);

afterAll(async () => {
  publisher?.kill('SIGKILL');
  for (const context of contexts) await context.close().catch(() => {});
  await browser?.close();
  await t?.stop();
});

async function newPage(viewport = DESKTOP): Promise<Page> {
  const context = await browser.newContext({ viewport });
  contexts.push(context);
  const page = await context.newPage();
  // Counts the frames the video presents, whatever plays into it (hls.js or a WebRTC stream).
  await page.addInitScript(() => {
    const seen = { frames: 0 };
    (window as unknown as { __frames: typeof seen }).__frames = seen;
    const hook = (video: HTMLVideoElement) => {
      const tick = () => {
        seen.frames++;
        video.requestVideoFrameCallback(tick);
      };
      video.requestVideoFrameCallback(tick);
    };
    new MutationObserver(() => {
      const video = document.getElementById('video') as (HTMLVideoElement & { hooked?: boolean }) | null;
      if (video && !video.hooked) {
        video.hooked = true;
        hook(video);
      }
    }).observe(document, { childList: true, subtree: true });
  });
  return page;
}

interface Shown {
  frames: number;
  currentTime: number;
  paused: boolean;
  muted: boolean;
  volume: number;
  mode: string;
}

function shown(page: Page): Promise<Shown> {
  return page.evaluate(() => {
    const video = document.getElementById('video') as HTMLVideoElement;
    const w = window as unknown as { __frames: { frames: number }; glintPlayer?: { mode: string } };
    return {
      frames: w.__frames.frames,
      currentTime: video.currentTime,
      paused: video.paused,
      muted: video.muted,
      volume: video.volume,
      mode: w.glintPlayer?.mode ?? '',
    };
  });
}

/** Frames advance: 15 more presented and the clock a second on. */
async function framesAdvance(page: Page, what: string, timeoutMs = 30_000): Promise<Shown> {
  // The page's code is a chunk of its own, loaded after the app's: the video exists once it has drawn.
  await page.waitForSelector('#video', { state: 'attached', timeout: timeoutMs });
  const before = await shown(page);
  return until(
    async () => {
      const now = await shown(page);
      return now.frames >= before.frames + 15 && now.currentTime > before.currentTime + 1 && now;
    },
    { what, timeoutMs, intervalMs: 200 },
  );
}

async function screenshot(page: Page, name: string, viewport = DESKTOP): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.setViewportSize(viewport);
  await page.screenshot({ path: new URL(`${name}.png`, SCREENSHOTS).pathname, fullPage: true });
}

async function pressOnPage(page: Page, key: string): Promise<void> {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press(key);
}

it('plays the live channel to an anonymous viewer: LL-HLS, WebRTC, quality, theatre, fullscreen, keys, volume', async () => {
  const page = await newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(t.http(`/watch/${CHANNEL}`));
  await framesAdvance(page, 'LL-HLS frames advancing');
  expect((await shown(page)).mode).toBe('llhls');
  await until(async () => /^\d+\.\d\d s$/.test((await page.textContent('#latency')) ?? ''), {
    what: 'the latency badge showing seconds',
  });
  expect(await page.textContent('#status')).toBe('LIVE');
  expect(await page.textContent('h1')).toBe(CHANNEL);
  expect(await page.textContent('#channel-state')).toBe('LIVE');
  await until(async () => (await page.textContent('#viewers')) === '1 viewer', {
    what: 'the viewer counted',
    timeoutMs: 15_000,
  });
  expect(await page.title()).toBe(`${CHANNEL} · Glint`);
  // Anonymous: Follow leads to sign in, and back here after.
  expect(await page.getAttribute('#follow', 'href')).toBe(`/signin?next=${encodeURIComponent(`/watch/${CHANNEL}`)}`);

  // Quality: Auto, the source and the ladder's rung.
  await until(async () => (await page.locator('#quality option').count()) === 3, {
    what: 'the quality menu with the rung',
    timeoutMs: 30_000,
  });
  const labels = await page.locator('#quality option').allTextContents();
  expect(labels[0]).toBe('Auto');
  expect(labels[1]).toBe('Source (360p)');
  expect(labels[2]).toMatch(/^180p · \d+ kbit\/s$/);
  expect(await page.inputValue('#quality')).toBe('auto');
  expect(await page.isVisible('#quality-menu')).toBe(true);
  await screenshot(page, 'web-watch-live-desktop');

  // WebRTC, then LL-HLS again.
  await page.click('#mode-webrtc');
  await until(async () => (await shown(page)).mode === 'webrtc' && page.url().endsWith('?mode=webrtc'), {
    what: 'WebRTC mode, in the address too',
  });
  await until(
    async () => page.evaluate(() => (document.getElementById('video') as HTMLVideoElement).srcObject !== null),
    {
      what: 'a WebRTC stream in the video',
    },
  );
  await framesAdvance(page, 'WebRTC frames advancing');
  expect(await page.getAttribute('#mode-webrtc', 'aria-pressed')).toBe('true');
  await until(async () => /^\d+\.\d\d s$/.test((await page.textContent('#latency')) ?? ''), {
    what: 'the WebRTC latency badge',
  });
  console.log(`[web watch] WebRTC latency shown: ${await page.textContent('#latency')}`);
  await page.click('#mode-llhls');
  await until(async () => (await shown(page)).mode === 'llhls', { what: 'LL-HLS again' });
  await framesAdvance(page, 'LL-HLS frames advancing again');

  // Theatre: by button and by key.
  await page.click('#theatre');
  expect(await page.getAttribute('#theatre', 'aria-pressed')).toBe('true');
  expect(await page.isVisible('.watch-layout.theatre')).toBe(true);
  expect(await page.isHidden('.site-header')).toBe(true);
  await screenshot(page, 'web-watch-theatre-desktop');
  await pressOnPage(page, 't');
  expect(await page.getAttribute('#theatre', 'aria-pressed')).toBe('false');
  expect(await page.isVisible('.site-header')).toBe(true);

  // Fullscreen: the player (video, bar and DVR strip), by key and by button.
  await pressOnPage(page, 'f');
  await until(async () => page.evaluate(() => document.fullscreenElement?.classList.contains('stage') ?? false), {
    what: 'the player fullscreen',
  });
  // The button follows the fullscreenchange event, which a busy page handles a moment after the element is shown.
  await until(async () => ((await page.getAttribute('#fullscreen', 'aria-pressed')) === 'true' ? true : undefined), {
    what: 'the fullscreen button pressed',
  });
  await page.click('#fullscreen');
  await until(async () => page.evaluate(() => document.fullscreenElement === null), { what: 'fullscreen left' });

  // Mute and pause by key; nothing while a field has the keys.
  const before = await shown(page);
  await pressOnPage(page, 'm');
  await until(async () => (await shown(page)).muted !== before.muted, { what: 'm toggling mute' });
  await pressOnPage(page, 'm');
  await until(async () => (await shown(page)).muted === before.muted, { what: 'm toggling mute back' });
  await pressOnPage(page, 'k');
  await until(async () => (await shown(page)).paused, { what: 'k pausing' });
  await pressOnPage(page, ' ');
  await until(async () => !(await shown(page)).paused, { what: 'space playing again' });
  await page.focus('#volume');
  for (const key of ['k', 'm', 't', 'f']) await page.keyboard.press(key);
  const typed = await shown(page);
  expect([typed.paused, typed.muted]).toEqual([false, before.muted]);
  expect(await page.getAttribute('#theatre', 'aria-pressed')).toBe('false');
  expect(await page.evaluate(() => document.fullscreenElement)).toBeNull();
  await page.click('#shortcuts summary');
  expect(await page.locator('#shortcuts dt').allTextContents()).toContain('k or Space');

  // Volume: set on the slider, still set after a reload.
  await page.fill('#volume', '0.35');
  await until(async () => Math.abs((await shown(page)).volume - 0.35) < 0.001, { what: 'the volume at 35%' });
  await page.reload();
  await framesAdvance(page, 'frames after the reload');
  const reloaded = await shown(page);
  expect(reloaded.volume).toBeCloseTo(0.35, 3);
  expect(await page.inputValue('#volume')).toBe('0.35');

  await screenshot(page, 'web-watch-live-phone', PHONE);

  // Opened on WebRTC: the negotiation begun while the page was drawn is the one that plays.
  await page.setViewportSize(DESKTOP);
  await page.goto(t.http(`/watch/${CHANNEL}?mode=webrtc`));
  await framesAdvance(page, 'WebRTC frames on a page opened in WebRTC mode');
  expect((await shown(page)).mode).toBe('webrtc');
  expect(await page.textContent('#status')).toBe('LIVE');
  expect(errors).toEqual([]);
  await page.context().close();
}, 180_000);

it('shows offline without a reload when the stream stops, links its VOD, and plays again when it is back', async () => {
  const page = await newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(t.http(`/watch/${CHANNEL}`));
  await framesAdvance(page, 'frames before the stop');
  publisher?.kill('SIGKILL');
  const stoppedAt = performance.now();
  await page.locator('#offline').waitFor({ timeout: 30_000 });
  const offlineSec = (performance.now() - stoppedAt) / 1000;
  expect(await page.textContent('#status')).toBe('offline');
  expect(await page.textContent('#channel-state')).toBe('OFFLINE');
  expect(await page.textContent('#offline')).toContain(`${CHANNEL} is offline`);
  await page.locator('#latest-vod').waitFor({ timeout: 20_000 });
  expect(await page.getAttribute('#latest-vod', 'href')).toMatch(/^\/vod\/[\w-]+$/);
  await page.locator('#vods li[data-state="ready"]').first().waitFor({ timeout: 30_000 });
  console.log(`[web watch] offline shown ${offlineSec.toFixed(1)} s after the publisher stopped`);
  await screenshot(page, 'web-watch-offline-desktop');
  await screenshot(page, 'web-watch-offline-phone', PHONE);
  await page.setViewportSize(DESKTOP);

  publisher = publish(t.rtmp(CHANNEL), { size: '640x360' });
  const backAt = performance.now();
  await until(async () => (await page.textContent('#status')) === 'LIVE', {
    what: 'the page live again by itself',
    timeoutMs: 40_000,
  });
  await framesAdvance(page, 'frames after going live again');
  console.log(`[web watch] playing again ${((performance.now() - backAt) / 1000).toFixed(1)} s after the publish`);
  expect(await page.isHidden('#offline')).toBe(true);
  expect(errors).toEqual([]);
  await page.context().close();
}, 120_000);

it('lets a signed-in viewer follow and unfollow', async () => {
  const signup = await callApi(t.http('/api/auth/signup'), { json: { login: 'fan', password: 'fan-password-1' } });
  expect(signup.status).toBe(201);
  const page = await newPage();
  await page.context().addCookies([{ name: 'glint_session', value: signup.body.token, url: t.http('/') }]);
  await page.goto(t.http(`/watch/${CHANNEL}`));
  await page.locator('button#follow').waitFor();
  expect(await page.getAttribute('#follow', 'aria-pressed')).toBe('false');
  await page.click('#follow');
  await until(async () => (await page.getAttribute('#follow', 'aria-pressed')) === 'true', { what: 'following' });
  expect(await page.textContent('.channel-facts')).toContain('1 follower');
  await page.click('#subscribe');
  expect(await page.textContent('#subscribe-note')).toContain('no payments');
  await screenshot(page, 'web-watch-following-desktop');
  await page.click('#follow');
  await until(async () => (await page.getAttribute('#follow', 'aria-pressed')) === 'false', { what: 'not following' });
  expect(await page.textContent('.channel-facts')).toContain('0 followers');
  await page.context().close();
}, 60_000);

it('says so for an unknown channel, and offers a retry when the API cannot be reached', async () => {
  const page = await newPage();
  await page.goto(t.http('/watch/nobody_here'));
  await page.locator('#no-such-channel').waitFor();
  expect(await page.textContent('h1')).toBe('No such channel');
  await screenshot(page, 'web-watch-unknown-phone', PHONE);
  await page.context().close();

  const down = await newPage();
  await down.route('**/api/channels/**', (route) => route.abort('connectionrefused'));
  await down.goto(t.http(`/watch/${CHANNEL}`));
  await down.locator('.retry-state').waitFor();
  expect(await down.textContent('.retry-state')).toContain('cannot be reached');
  await down.unroute('**/api/channels/**');
  await down.click('.retry-state button');
  await down.locator('#channel-state').waitFor();
  await framesAdvance(down, 'frames after the retry');
}, 60_000);
