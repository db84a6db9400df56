/**
 * The VOD pages in Chromium against a whole Glint with ffmpeg publishing RTMP: on the watch page a viewer rewinds the
 * live broadcast (DVR on its EVENT playlist: the time behind live shown, frames playing), goes live again (LL-HLS)
 * and clips the last 30 s; the recording broadcast's VOD page plays its growing playlist; when the broadcast ends its
 * VOD appears in the watch page's list, the VOD page (the web app's) plays, shares a link at the position that opens
 * there, and clips a range; a clip asked for through the API shows on its page while it is made, then plays as an
 * MP4 with its poster. The channel's owner (signed in) may delete the clip and the VOD; an anonymous viewer is not
 * offered either. Malformed and unknown ids show a "not found" page. Screenshots of each page at desktop and phone
 * width go to player/test-results/.
 */
import { mkdirSync } from 'node:fs';
import { launchChromium, type Publisher, publish, until } from '@glint/testkit';
import { startGlint, type TestGlint } from '@glint/testkit/media-server';
import { callApi } from '@glint/testkit/platform';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';

const SCREENSHOTS = new URL('../../player/test-results/', import.meta.url);
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const CHANNEL = 'vodshow';
/** Archived seconds the test waits for: a rewind of 20 s and a clip of the last 30 s fit in it. */
const ARCHIVED_SEC = 32;

let t: TestGlint;
let browser: Browser;
let publisher: Publisher | undefined;
let owner: BrowserContext;

beforeAll(async () => {
  [t, browser] = await Promise.all([startGlint([], { reconnectGraceMs: 1500 }), launchChromium()]);
  const signup = await callApi(t.http('/api/auth/signup'), {
    json: { login: CHANNEL, password: 'vodshow-password-1' },
  });
  expect(signup.status).toBe(201);
  const key = await callApi(t.http(`/api/channels/${CHANNEL}/stream-key`), {
    method: 'POST',
    bearer: signup.body.token,
  });
  expect(key.status).toBe(201);
  publisher = publish(t.rtmp(CHANNEL, key.body.streamKey));
  owner = await browser.newContext({ viewport: DESKTOP });
  await owner.addCookies([{ name: 'glint_session', value: signup.body.token, url: t.http('/') }]);
}, 60_000);

afterAll(async () => {
  publisher?.kill('SIGKILL');
  await browser?.close();
  await t?.stop();
});

/** Both widths, full page, for a person to look at. */
async function screenshots(tab: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await tab.setViewportSize(DESKTOP);
  await tab.screenshot({ path: new URL(`${name}-desktop.png`, SCREENSHOTS).pathname, fullPage: true });
  await tab.setViewportSize(PHONE);
  await tab.screenshot({ path: new URL(`${name}-phone.png`, SCREENSHOTS).pathname, fullPage: true });
  await tab.setViewportSize(DESKTOP);
}

interface VideoView {
  currentTime: number;
  frames: number;
  paused: boolean;
  width: number;
  hlsUrl: string;
  dvr: boolean;
}

function videoView(tab: Page): Promise<VideoView> {
  return tab.evaluate(() => {
    // No video until the page's chunk has drawn it: read that as nothing played yet.
    const v = document.querySelector('video');
    const player = (window as unknown as { glintPlayer?: { hls?: { url?: string } | null; dvr?: boolean } })
      .glintPlayer;
    return {
      currentTime: v?.currentTime ?? 0,
      frames: v?.getVideoPlaybackQuality().totalVideoFrames ?? 0,
      paused: v?.paused ?? true,
      width: v?.videoWidth ?? 0,
      hlsUrl: player?.hls?.url ?? '',
      dvr: player?.dvr ?? false,
    };
  });
}

/** Frames advance: playback moves on by a second and more frames are shown. */
/**
 * Presses play until the video plays: a play() made while the page's player is still loading its source is aborted
 * by that load ("interrupted by a new load request", seen on a busy machine), so it is asked again.
 */
async function startPlaying(tab: Page): Promise<void> {
  await until(
    () =>
      tab.evaluate(async () => {
        const video = document.querySelector('video');
        if (!video) return false;
        try {
          await video.play();
          return true;
        } catch {
          return false;
        }
      }),
    { what: 'the video to start playing', timeoutMs: 20_000, intervalMs: 250 },
  );
}

async function framesAdvance(tab: Page, what: string): Promise<VideoView> {
  const before = await videoView(tab);
  return until(
    async () => {
      const now = await videoView(tab);
      return now.currentTime > before.currentTime + 1 && now.frames > before.frames + 10 && !now.paused && now;
    },
    { what, timeoutMs: 30_000, intervalMs: 200 },
  );
}

/** The seconds the broadcast's DVR playlist lists (its first media playlist). */
async function archivedSec(): Promise<number> {
  const dvr = await callApi(t.http(`/api/channels/${CHANNEL}/dvr`));
  if (dvr.status !== 200) return 0;
  const master = await fetch(t.http(dvr.body.playlistUrl)).then((r) => (r.ok ? r.text() : ''));
  const media = master.split('\n').find((l) => l.endsWith('.m3u8') && !l.startsWith('#'));
  if (!media) return 0;
  const text = await fetch(new URL(media, t.http(dvr.body.playlistUrl))).then((r) => (r.ok ? r.text() : ''));
  return [...text.matchAll(/#EXTINF:([\d.]+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
}

it('rewinds and clips a live broadcast, goes live again, and after it ends plays its VOD and the clip', async () => {
  const errors: string[] = [];
  // The owner watches their own channel: signed in, so the chat box is there to type into.
  const watch = await owner.newPage();
  watch.on('pageerror', (e) => errors.push(e.message));
  await watch.goto(t.http(`/watch/${CHANNEL}`));
  await until(
    async () => (await videoView(watch)).hlsUrl.includes('/live/') && (await videoView(watch)).currentTime > 0,
    {
      what: 'the watch page playing the live stream',
      timeoutMs: 30_000,
      intervalMs: 200,
    },
  );
  await watch.locator('#dvr-rewind').waitFor({ state: 'visible' });
  await until(async () => (await archivedSec()) >= ARCHIVED_SEC && true, {
    what: `${ARCHIVED_SEC} s of the broadcast archived`,
    timeoutMs: 60_000,
    intervalMs: 1000,
    detail: () => publisher?.stderr() ?? '',
  });

  // Rewind (10 s) then ← (10 s more): the DVR playlist plays about 20 s behind its edge.
  await watch.click('#dvr-rewind');
  await until(async () => (await videoView(watch)).hlsUrl.includes('/vods/'), { what: 'hls.js on the DVR playlist' });
  await framesAdvance(watch, 'frames playing in DVR');
  await watch.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await watch.keyboard.press('ArrowLeft');
  const behind = await until(
    async () => {
      const sec = Number(await watch.getAttribute('#dvr-behind', 'data-behind-sec'));
      return sec >= 14 && sec;
    },
    { what: 'the page showing 14 s or more behind live', timeoutMs: 15_000, intervalMs: 200 },
  );
  const shown = await watch.textContent('#dvr-behind');
  const dvrPlaying = await framesAdvance(watch, 'frames playing 20 s back');
  console.log(
    `[vod pages] DVR: ${behind} s behind live, shown as "${shown}", at ${dvrPlaying.currentTime.toFixed(1)} s`,
  );
  expect(shown).toMatch(/^\u22120:[1-4]\d$/);
  expect(behind).toBeLessThan(45);
  expect(await watch.getAttribute('#dvr-range', 'aria-valuetext')).toMatch(/seconds behind live/);
  await screenshots(watch, 'watch-dvr');

  // L typed into chat stays in chat; L elsewhere goes back to the LL-HLS live playlist.
  await watch.fill('#chat input', '');
  await watch.press('#chat input', 'l');
  await watch.press('#chat input', 'ArrowLeft');
  expect(await watch.inputValue('#chat input')).toBe('l');
  expect((await videoView(watch)).dvr).toBe(true);
  await watch.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await watch.keyboard.press('l');
  await until(async () => !(await videoView(watch)).dvr && (await videoView(watch)).hlsUrl.includes('/live/'), {
    what: 'hls.js back on the live playlist',
  });
  await framesAdvance(watch, 'frames playing live again');
  expect(await watch.isVisible('#dvr-rewind')).toBe(true);

  // Live again: Clip makes the last 30 s; the page shows its status while it is made, then a link to its page.
  await watch.click('#clip');
  const clipStatus = watch.locator(
    '#clip-status:is([data-clip-status="ready"], [data-clip-status="failed"], [data-clip-status="refused"])',
  );
  await clipStatus.waitFor({ timeout: 45_000 });
  expect(await clipStatus.textContent()).toMatch(/^Clip ready: /);
  const clipLink = clipStatus.locator('a');
  const clipHref = (await clipLink.getAttribute('href')) ?? '';
  expect(clipHref).toMatch(/^\/clip\/[\w-]+$/);

  // While on air the broadcast is listed as recording, and its VOD page plays the growing EVENT playlist.
  const recordingHref = await watch.getAttribute('#vods li[data-state="recording"] a', 'href');
  const recording = await owner.newPage();
  recording.on('pageerror', (e) => errors.push(e.message));
  await recording.goto(t.http(recordingHref ?? '/'));
  await recording.locator('#state', { hasText: 'recording, rewind available' }).waitFor({ timeout: 15_000 });
  await startPlaying(recording);
  await framesAdvance(recording, 'the recording VOD playing');
  expect(await recording.isHidden('#delete')).toBe(true);
  await recording.close();

  // The broadcast ends: its VOD is listed (ready) on the watch page without a reload.
  publisher?.kill('SIGTERM');
  const vodLink = watch.locator('#vods li[data-state="ready"] a');
  await vodLink.first().waitFor({ timeout: 40_000 });
  const vodHref = (await vodLink.first().getAttribute('href')) ?? '';
  expect(vodHref).toMatch(/^\/vod\/[\w-]+$/);
  await watch.locator(`#clips a[href="${clipHref}"]`).waitFor({ timeout: 10_000 });
  await screenshots(watch, 'watch-ended');

  // The VOD page, as the owner: it plays, with its facts and the owner's Delete.
  const vod = await owner.newPage();
  vod.on('pageerror', (e) => errors.push(e.message));
  await vod.goto(t.http(vodHref));
  await vod.locator('#state', { hasText: 'past broadcast' }).waitFor({ timeout: 15_000 });
  await startPlaying(vod);
  const vodPlaying = await framesAdvance(vod, 'the VOD playing');
  expect(vodPlaying.hlsUrl).toContain('/vods/');
  expect(await vod.textContent('#channel-link')).toBe(CHANNEL);
  expect(await vod.getAttribute('#channel-link', 'href')).toBe(`/watch/${CHANNEL}`);
  // As long as the broadcast ran: at least its 30-odd seconds, longer on a busy machine (seen: 1:14 beside another run).
  expect(await vod.textContent('#duration')).toMatch(/^(0:[3-5]\d|[1-9]:[0-5]\d)$/);
  expect(await vod.inputValue('#share')).toBe(t.http(vodHref));
  expect(await vod.getAttribute('video', 'poster')).toBe(`/vods/${vodHref.slice('/vod/'.length)}/thumbnail.jpg`);
  await vod.locator('#delete').waitFor({ state: 'visible' });
  // Clip this: the 15 s up to the position the viewer paused at.
  await vod.evaluate(async () => {
    const v = document.querySelector('video') as HTMLVideoElement;
    v.pause();
    v.currentTime = 20;
    await new Promise((resolve) => v.addEventListener('seeked', resolve, { once: true }));
  });
  await vod.selectOption('#clip-length', '15');
  expect(await vod.textContent('#clip-range')).toBe('0:05–0:20');
  // Share at the position: the link says ?t=20, copies, and opens the VOD there.
  await vod.getByLabel('at 0:20').check();
  expect(await vod.inputValue('#share')).toBe(t.http(`${vodHref}?t=20`));
  await vod.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t.http('') });
  await vod.click('#copy');
  await vod.locator('#copy-note', { hasText: 'Link copied' }).waitFor();
  expect(await vod.evaluate(() => navigator.clipboard.readText())).toBe(t.http(`${vodHref}?t=20`));
  const shared = await browser.newPage({ viewport: DESKTOP });
  await shared.goto(t.http(`${vodHref}?t=20`));
  await until(async () => (await videoView(shared)).currentTime >= 19.5 && true, {
    what: 'the shared link starting at 0:20',
    timeoutMs: 15_000,
    intervalMs: 200,
  });
  await shared.close();
  await vod.click('#clip');
  const vodClip = vod.locator(
    '#clip-status:is([data-clip-status="ready"], [data-clip-status="failed"], [data-clip-status="refused"])',
  );
  await vodClip.waitFor({ timeout: 45_000 });
  expect(await vodClip.textContent()).toMatch(/^Clip ready: /);
  const made = await callApi(t.http(`/api/clips/${await vod.getAttribute('#clip-status', 'data-clip-id')}`));
  expect(made.body).toMatchObject({ status: 'ready', startSec: 5, durationSec: 15 });
  await screenshots(vod, 'vod');

  // A clip asked for through the API: its page says it is being made, polls, then plays the MP4 with its poster.
  const asked = await callApi(t.http('/api/clips'), {
    method: 'POST',
    json: { broadcastId: vodHref.slice('/vod/'.length), startSec: 2, endSec: 32 },
  });
  expect(asked.status).toBe(202);
  const madeHref = asked.body.pageUrl as string;
  const clip = await browser.newPage({ viewport: DESKTOP });
  clip.on('pageerror', (e) => errors.push(e.message));
  await clip.goto(t.http(madeHref));
  const making = await clip.locator('#making-text').textContent({ timeout: 10_000 });
  expect(making).toMatch(/^(Clip queued…|Making the clip…)$/);
  expect(await clip.textContent('#range')).toBe('0:02–0:32 (30 s)');
  await screenshots(clip, 'clip-making');
  await clip.locator('#video:not([hidden])').waitFor({ timeout: 45_000 });
  expect(await clip.isHidden('#making')).toBe(true);
  expect(await clip.getAttribute('#video', 'src')).toMatch(/^\/clips\/[\w-]+\.mp4$/);
  expect(await clip.getAttribute('#video', 'poster')).toMatch(/^\/clips\/[\w-]+\.jpg$/);
  expect(await clip.getAttribute('#download', 'href')).toMatch(/^\/clips\/[\w-]+\.mp4$/);
  expect(await clip.getAttribute('#vod-link', 'href')).toBe(`${vodHref}?t=2`);
  expect(await clip.inputValue('#share')).toBe(t.http(madeHref));
  expect(await clip.isHidden('#delete')).toBe(true);
  await startPlaying(clip);
  const clipPlaying = await framesAdvance(clip, 'the clip playing');
  expect(clipPlaying.width).toBe(640);
  await clip.evaluate(() => {
    const v = document.querySelector('video') as HTMLVideoElement;
    v.pause();
    v.currentTime = 0;
  });
  await screenshots(clip, 'clip');

  // The owner deletes the live clip from its page.
  const ownClip = await owner.newPage();
  ownClip.on('pageerror', (e) => errors.push(e.message));
  await ownClip.goto(t.http(clipHref));
  ownClip.once('dialog', (dialog) => void dialog.accept());
  await ownClip.locator('#delete').click();
  await ownClip.locator('#error', { hasText: 'This clip was deleted.' }).waitFor({ timeout: 10_000 });
  expect((await callApi(t.http(`/api/clips/${clipHref.slice('/clip/'.length)}`))).status).toBe(404);
  await ownClip.close();

  // An anonymous viewer is not offered Delete; the owner deletes the VOD.
  const anonymous = await browser.newPage();
  await anonymous.goto(t.http(vodHref));
  await anonymous.locator('#state', { hasText: 'past broadcast' }).waitFor({ timeout: 15_000 });
  expect(await anonymous.isHidden('#delete')).toBe(true);
  vod.once('dialog', (dialog) => void dialog.accept());
  await vod.click('#delete');
  await vod.locator('#error', { hasText: 'deleted' }).waitFor({ timeout: 10_000 });
  expect((await callApi(t.http(`/api/vods/${vodHref.slice('/vod/'.length)}`))).status).toBe(404);

  // Gone, unknown and malformed ids: a page that says so, with the way home.
  for (const [path, heading] of [
    [vodHref, 'Past broadcast not found'],
    ['/vod/not.an.id', 'Past broadcast not found'],
    ['/clip/..%2Fetc', 'Clip not found'],
    [clipHref, 'Clip not found'],
  ] as const) {
    await anonymous.goto(t.http(path));
    await anonymous.getByRole('heading', { name: heading }).waitFor({ timeout: 10_000 });
    expect(await anonymous.getByRole('link', { name: 'Browse live channels' }).getAttribute('href')).toBe('/');
  }
  await screenshots(anonymous, 'vod-not-found');
  expect(errors).toEqual([]);
}, 180_000);
