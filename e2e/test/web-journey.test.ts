/**
 * The web app's journey, end to end in Chromium, as the issue tells it: a new streamer signs up through the form,
 * creates a stream key on the dashboard and copies it; a test broadcaster (ffmpeg over RTMP) goes live with exactly
 * what was copied; a second user finds the channel on the home page, opens it, sees frames advance, follows, chats
 * (the emote shown as an image), is rate limited with a countdown, and is timed out by the streamer from the
 * message's mod tools; the broadcast ends and the watch page says offline and offers the VOD, without a reload.
 * Each step ends with a screenshot in player/test-results/web-journey-*.png.
 */
import { mkdirSync } from 'node:fs';
import { launchChromium, type Publisher, publish, until } from '@glint/testkit';
import { startGlint, type TestGlint } from '@glint/testkit/media-server';
import { callApi } from '@glint/testkit/platform';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';

const SHOTS = new URL('../../player/test-results/', import.meta.url);
const STREAMER = 'journey_star';
const VIEWER = 'journey_fan';

let t: TestGlint;
let browser: Browser;
let publisher: Publisher | undefined;
const contexts: BrowserContext[] = [];

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: new URL(`web-journey-${name}.png`, SHOTS).pathname, fullPage: true });
}

async function newPage(width = 1280, height = 800): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height } });
  contexts.push(context);
  return context.newPage();
}

/** The video's playback position, to see frames advance (0 until the page's chunk has drawn the video). */
const position = (page: Page) => page.evaluate(() => document.querySelector('video')?.currentTime ?? 0);

beforeAll(async () => {
  [t, browser] = await Promise.all([startGlint([], { reconnectGraceMs: 1000 }), launchChromium()]);
}, 60_000);

afterAll(async () => {
  publisher?.kill('SIGKILL');
  for (const context of contexts) await context.close();
  await browser?.close();
  await t?.stop();
});

it('a streamer signs up and goes live; a viewer finds, plays, follows, chats, is limited and timed out; the end shows the VOD', async () => {
  // 1. The streamer signs up through the form and lands on the dashboard.
  const streamer = await newPage();
  await streamer.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t.http('') });
  await streamer.goto(t.http('/signup'));
  await streamer.getByLabel('Login', { exact: true }).fill(STREAMER);
  await streamer.getByLabel('Password', { exact: true }).fill('journey-password-1');
  await streamer.getByRole('button', { name: 'Sign up' }).click();
  await streamer.waitForURL(/\/dashboard$/);

  // 2. A stream key, shown once, copied with the button: the clipboard holds what the page shows.
  await streamer.getByRole('button', { name: 'Create stream key' }).click();
  const keyField = streamer.getByTestId('stream-key');
  await keyField.waitFor();
  const shownKey = await keyField.inputValue();
  expect(shownKey.length).toBeGreaterThanOrEqual(22);
  await streamer.getByRole('button', { name: 'Copy stream key' }).first().click();
  const copied = await streamer.evaluate(() => navigator.clipboard.readText());
  expect(copied).toBe(shownKey);
  await shot(streamer, '1-key');

  // 3. The test broadcaster goes live with the copied key; the dashboard sees it.
  publisher = publish(t.rtmp(STREAMER, copied));
  await streamer.locator('[data-testid="live-status"][data-phase="live"]').waitFor({ timeout: 20_000 });
  await shot(streamer, '2-dashboard-live');

  // 4. A second user finds the channel on the home page and opens it; frames advance.
  const signup = await callApi(t.http('/api/auth/signup'), {
    json: { login: VIEWER, password: 'journey-fan-password-1' },
  });
  expect(signup.status).toBe(201);
  const viewer = await newPage();
  await viewer.context().addCookies([{ name: 'glint_session', value: signup.body.token, url: t.http('/') }]);
  await viewer.goto(t.http('/'));
  const card = viewer.locator(`a[href="/watch/${STREAMER}"]`).first();
  await card.waitFor({ timeout: 15_000 });
  await shot(viewer, '3-browse');
  await card.click();
  await viewer.waitForURL(new RegExp(`/watch/${STREAMER}$`));
  await until(async () => (await position(viewer)) > 0.5, { what: 'the first frames played', timeoutMs: 20_000 });
  const from = await position(viewer);
  await until(async () => (await position(viewer)) > from + 1, { what: 'frames advancing', timeoutMs: 10_000 });

  // 5. Follows: the button turns, and the platform has the follow.
  await viewer.locator('#follow').click();
  await until(async () => /unfollow|following/i.test((await viewer.locator('#follow').textContent()) ?? ''), {
    what: 'the follow button to turn',
    timeoutMs: 5000,
  });
  const follows = await callApi(t.http('/api/me/follows'), { bearer: signup.body.token });
  expect(JSON.stringify(follows.body)).toContain(STREAMER);

  // 6. Chats, with an emote shown as an image (loaded).
  await viewer.waitForSelector('#chat form:not([hidden]) input');
  await viewer.fill('#chat input', 'first time here glintWave');
  await viewer.press('#chat input', 'Enter');
  const hello = viewer.locator('#chat li', { hasText: 'first time here' });
  await hello.locator('img.emote[alt="glintWave"]').waitFor({ timeout: 10_000 });
  await until(() => hello.locator('img.emote').evaluate((i) => (i as HTMLImageElement).naturalWidth > 0), {
    what: 'the emote image loaded',
    timeoutMs: 5000,
  });
  await shot(viewer, '4-watch-chat');

  // 7. Twice within a second: rate limited, with a countdown. The page records the countdown's text as it appears
  // (it lasts about a second, which a busy machine's polling can miss), and the pair is sent again until one is
  // refused (on a busy machine two sends may land more than a second apart).
  await viewer.evaluate(() => {
    const w = window as unknown as { __waits: string[] };
    w.__waits = [];
    const chat = document.querySelector('#chat');
    if (!chat) throw new Error('no chat panel');
    new MutationObserver(() => {
      const text = document.querySelector('#chat .chat-wait')?.textContent;
      if (text) w.__waits.push(text);
    }).observe(chat, { subtree: true, childList: true, characterData: true });
  });
  const waits = () => viewer.evaluate(() => (window as unknown as { __waits: string[] }).__waits);
  for (let i = 0; i < 10 && (await waits()).length === 0; i++) {
    for (const part of ['a', 'b']) {
      await viewer.fill('#chat input', `so fast ${i}${part}`);
      await viewer.press('#chat input', 'Enter');
    }
  }
  const [countdown] = await until(async () => ((await waits()).length > 0 ? await waits() : undefined), {
    what: 'the rate-limit countdown',
    timeoutMs: 5000,
  });
  expect(countdown).toMatch(/You can chat again in \d+(\.\d)? s/);
  await shot(viewer, '5-rate-limited');

  // 8. The streamer (the broadcaster moderates) times the viewer out from the message's mod tools.
  await streamer.goto(t.http(`/watch/${STREAMER}`));
  const target = streamer.locator('#chat li', { hasText: 'first time here' });
  await target.waitFor({ timeout: 10_000 });
  await target.hover();
  await target.locator(`button[aria-label="Moderate ${VIEWER}'s message"]`).click();
  await streamer.getByRole('menuitem', { name: `Time out ${VIEWER} (10 min)` }).click();
  await viewer.locator('#chat li', { hasText: `${VIEWER} was timed out` }).waitFor({ timeout: 10_000 });
  await shot(streamer, '6-streamer-timed-out');
  await shot(viewer, '7-viewer-timed-out');

  // 9. The broadcast ends: without a reload, the viewer's page says offline and offers the broadcast's VOD.
  publisher.kill('SIGTERM');
  await viewer.locator('#offline').waitFor({ timeout: 30_000 });
  const vodLink = viewer.locator('#latest-vod');
  await vodLink.waitFor({ timeout: 30_000 });
  const href = (await vodLink.getAttribute('href')) ?? '';
  expect(href).toMatch(/^\/vod\/[0-9a-z]+$/);
  await shot(viewer, '8-offline-vod');
  const vod = await callApi(t.http(`/api${href.replace('/vod/', '/vods/')}`));
  expect(vod.status).toBe(200);
  expect(vod.body.channel).toBe(STREAMER);
  expect(vod.body.durationSec).toBeGreaterThan(2);
}, 180_000);
