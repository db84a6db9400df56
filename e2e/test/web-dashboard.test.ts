/**
 * The streamer dashboard and the notifications bell in Chromium, against a whole Glint with ffmpeg publishing RTMP:
 * a new streamer signs up through the /signup form and lands on the dashboard, makes a stream key (shown once) and
 * copies it; a follower's bell is connected. ffmpeg goes live with the copied key: the dashboard shows the live
 * health numbers (fps and bitrate above 0) and its muted preview plays (frames advance), and the follower's bell
 * counts the go-live notification. The streamer saves a title (an HTML tag, an empty and a too-long one are refused
 * inline), sets slow mode (an out-of-range value refused inline), adds and removes a moderator, and is refused a
 * webhook to a private address. Rotating the key ends the live stream: the dashboard shows offline, and the ended
 * broadcast's VOD and a clip of it are deleted from their lists. An anonymous visitor gets a way to sign in; with the
 * API unreachable the page offers a retry. Screenshots at 1280 and 390 px go to player/test-results/.
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
const STREAMER = 'dashcaster';
const FAN = 'dashfan';

let t: TestGlint;
let browser: Browser;
let publisher: Publisher | undefined;
let streamerContext: BrowserContext;
let fanContext: BrowserContext;

beforeAll(async () => {
  [t, browser] = await Promise.all([startGlint([], { reconnectGraceMs: 1500 }), launchChromium()]);
}, 60_000);

afterAll(async () => {
  publisher?.kill('SIGKILL');
  await browser?.close();
  await t?.stop();
});

/** Both widths, full page, for a person to look at; at phone width nothing may stick out sideways. */
async function screenshots(tab: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await tab.setViewportSize(DESKTOP);
  await tab.screenshot({ path: new URL(`${name}-desktop.png`, SCREENSHOTS).pathname, fullPage: true });
  await tab.setViewportSize(PHONE);
  await tab.screenshot({ path: new URL(`${name}-phone.png`, SCREENSHOTS).pathname, fullPage: true });
  expect(await tab.evaluate(() => document.documentElement.scrollWidth), `${name} at ${PHONE.width} px`).toBe(
    PHONE.width,
  );
  await tab.setViewportSize(DESKTOP);
}

const metric = (tab: Page, name: string) =>
  tab.locator(`dd[data-metric="${name}"]`).getAttribute('data-value', { timeout: 1000 }).then(Number);

const previewFrames = (tab: Page) =>
  tab.evaluate(() => {
    const video = document.querySelector('video[data-testid="preview"]') as HTMLVideoElement | null;
    return video ? video.getVideoPlaybackQuality().totalVideoFrames : 0;
  });

it('a new streamer signs up, takes a key, goes live and sees health and preview; a follower is notified', async () => {
  // Sign up through the form: it lands on the dashboard.
  streamerContext = await browser.newContext({ viewport: DESKTOP });
  await streamerContext.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t.http('') });
  const dash = await streamerContext.newPage();
  const pageErrors: string[] = [];
  dash.on('pageerror', (error) => pageErrors.push(error.message));
  await dash.goto(t.http('/signup'));
  await dash.getByLabel('Login').fill(STREAMER);
  await dash.getByLabel('Password').fill('dashcaster-password-1');
  await dash.getByRole('button', { name: 'Sign up' }).click();
  await dash.waitForURL(/\/dashboard$/);
  await dash.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
  expect(await dash.getByTestId('live-status').getAttribute('data-phase')).toMatch(/loading|offline/);

  // The key, shown once, and copied.
  await dash.getByRole('button', { name: 'Create stream key' }).click();
  const keyField = dash.getByTestId('stream-key');
  await keyField.waitFor();
  const key = await keyField.inputValue();
  expect(key.length).toBeGreaterThan(20);
  await dash.getByText('This is the only time Glint shows this key').waitFor();
  await dash.getByRole('button', { name: 'Copy stream key', exact: true }).click();
  await dash.getByRole('status').filter({ hasText: 'Stream key copied.' }).first().waitFor();
  expect(await dash.evaluate(() => navigator.clipboard.readText())).toBe(key);
  // The OBS settings carry it too, with the ingest URLs.
  expect(await dash.getByTestId('rtmp-server').inputValue()).toBe('rtmp://127.0.0.1:1935/live');
  expect(await dash.getByTestId('whip-server').inputValue()).toBe(t.http(`/whip/${STREAMER}`));
  expect(await dash.getByLabel('Bearer Token', { exact: true }).inputValue()).toBe(key);

  // A follower, on the home page with the bell connected and nothing unread.
  const fan = await callApi(t.http('/api/auth/signup'), { json: { login: FAN, password: 'dashfan-password-1' } });
  expect(fan.status).toBe(201);
  const follow = await callApi(t.http(`/api/channels/${STREAMER}/follow`), { method: 'PUT', bearer: fan.body.token });
  expect(follow.status).toBe(204);
  fanContext = await browser.newContext({ viewport: DESKTOP });
  await fanContext.addCookies([{ name: 'glint_session', value: fan.body.token, url: t.http('/') }]);
  const fanPage = await fanContext.newPage();
  await fanPage.goto(t.http('/'));
  const bell = fanPage.getByTestId('bell');
  await until(async () => (await bell.getAttribute('data-phase')) === 'open', { what: "the fan's bell connected" });
  expect(await bell.getAttribute('data-unread')).toBe('0');

  // Live with the copied key.
  publisher = publish(t.rtmp(STREAMER, key));
  await until(async () => (await dash.getByTestId('live-status').getAttribute('data-phase')) === 'live', {
    what: 'the dashboard showing the stream live',
    timeoutMs: 20_000,
    detail: () => publisher?.stderr() ?? '',
  });
  const numbers = await until(
    async () => {
      const [fps, bitrate] = await Promise.all([metric(dash, 'fps'), metric(dash, 'bitrate')]);
      return fps > 0 && bitrate > 0 ? { fps, bitrate } : undefined;
    },
    { what: 'health numbers above 0', timeoutMs: 20_000 },
  );
  console.log(`dashboard health while live: ${numbers.fps} fps, ${numbers.bitrate} kbps`);
  expect(await dash.locator('dd[data-metric="video"]').textContent()).toContain('640×360');
  // The preview plays: its frame count grows.
  const firstFrames = await until(async () => ((await previewFrames(dash)) > 0 ? previewFrames(dash) : undefined), {
    what: 'the preview showing frames',
    timeoutMs: 20_000,
  });
  await until(async () => (await previewFrames(dash)) > firstFrames + 15, {
    what: 'the preview frames advancing',
    timeoutMs: 10_000,
  });
  expect(await dash.locator('video[data-testid="preview"]').evaluate((v: HTMLVideoElement) => v.muted)).toBe(true);

  // The follower's bell counts the go-live notification, live.
  await until(async () => (await bell.getAttribute('data-unread')) === '1', {
    what: "the fan's bell counting the go-live",
    timeoutMs: 15_000,
  });
  const bellButton = fanPage.getByRole('button', { name: 'Notifications, 1 unread' });
  await bellButton.click();
  await fanPage.getByRole('link', { name: new RegExp(`${STREAMER} went live`) }).waitFor();
  await screenshots(fanPage, 'web-dashboard-bell');
  await fanPage.getByRole('button', { name: `Mark read: ${STREAMER} went live` }).click();
  await until(async () => (await bell.getAttribute('data-unread')) === '0', { what: 'the bell cleared' });
  const unread = await callApi(t.http('/api/me/notifications'), { bearer: fan.body.token });
  expect(unread.body.unreadCount).toBe(0);
  await fanPage.keyboard.press('Escape');

  await dash.getByRole('button', { name: 'I have copied it — hide the key' }).click();
  await screenshots(dash, 'web-dashboard-live');
  expect(pageErrors).toEqual([]);
}, 150_000);

it('saves the title and shows it; refuses bad titles, slow mode, webhooks inline; manages moderators', async () => {
  const [dash] = streamerContext.pages();
  if (!dash) throw new Error('the dashboard tab is gone');
  const title = dash.getByLabel('Title', { exact: true });
  const form = dash.getByRole('form', { name: 'title and category' });
  const save = form.getByRole('button', { name: 'Save' });

  for (const [bad, reason] of [
    ['<script>alert(1)</script>', 'A title cannot hold HTML tags such as <script>; write plain text.'],
    ['', 'Enter a title.'],
    ['x'.repeat(141), 'A title has at most 140 characters.'],
  ] as const) {
    await title.fill(bad);
    await save.click();
    await form.getByRole('alert').filter({ hasText: reason }).waitFor();
    expect(await title.getAttribute('aria-invalid')).toBe('true');
  }
  await screenshots(dash, 'web-dashboard-bad-title');
  expect((await callApi(t.http(`/api/channels/${STREAMER}`))).body.title).toBe('');

  await title.fill('Speedrun night: any%');
  await form.getByLabel('Category').fill('Gaming');
  await save.click();
  await form.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
  expect(await title.getAttribute('aria-invalid')).toBeNull();
  const saved = await callApi(t.http(`/api/channels/${STREAMER}`));
  expect(saved.body).toMatchObject({ title: 'Speedrun night: any%', category: 'Gaming' });

  // Chat: slow mode out of range refused inline; 30 s saved through the chat room and read back from it.
  const chat = dash.getByRole('form', { name: 'chat settings' });
  await dash.getByTestId('chat-modes').filter({ hasText: 'Now: Slow mode off' }).waitFor();
  const slow = chat.getByLabel(/Slow mode/);
  await slow.fill('2');
  await chat.getByRole('button', { name: 'Save chat settings' }).click();
  await chat.getByRole('alert').filter({ hasText: 'Slow mode is 0 (off) or 3 to 120 seconds.' }).waitFor();
  await slow.fill('30');
  await chat.getByLabel('Subscribers-only chat').check();
  await chat.getByRole('button', { name: 'Save chat settings' }).click();
  await dash.getByTestId('chat-modes').filter({ hasText: 'Slow mode 30 s · subscribers-only on' }).waitFor();

  // Moderators: an unknown login refused inline, the fan added and removed.
  const mods = dash.getByRole('form', { name: 'add a moderator' });
  await mods.getByLabel('Add a moderator by login').fill('<b>x</b>');
  await mods.getByRole('button', { name: 'Add moderator' }).click();
  await mods.getByRole('alert').filter({ hasText: '3 to 25 letters' }).waitFor();
  await mods.getByLabel('Add a moderator by login').fill('nobody_at_all');
  await mods.getByRole('button', { name: 'Add moderator' }).click();
  await mods.getByRole('alert').filter({ hasText: 'There is no user nobody_at_all.' }).waitFor();
  await mods.getByLabel('Add a moderator by login').fill(FAN);
  await mods.getByRole('button', { name: 'Add moderator' }).click();
  await dash.getByRole('list', { name: 'moderators' }).getByText(FAN).first().waitFor();
  const roles = await callApi(t.http(`/api/channels/${STREAMER}/roles?role=moderator`), {
    cookie: (await streamerContext.cookies()).map((c) => `${c.name}=${c.value}`).join('; '),
  });
  expect(roles.body.items.map((g: { login: string }) => g.login)).toEqual([FAN]);
  await dash.getByRole('button', { name: `Remove moderator ${FAN}` }).click();
  await dash.getByText('No moderators yet.').waitFor();

  // Webhooks: not a URL, then a private address (this server refuses them), both inline.
  const hooks = dash.getByRole('form', { name: 'add a webhook' });
  await hooks.getByLabel('Webhook URL').fill('javascript:alert(1)');
  await hooks.getByRole('button', { name: 'Add webhook' }).click();
  await hooks.getByRole('alert').filter({ hasText: 'starts with https://' }).waitFor();
  await hooks.getByLabel('Webhook URL').fill('http://127.0.0.1:9/hook');
  await hooks.getByRole('button', { name: 'Add webhook' }).click();
  await hooks.getByRole('alert').filter({ hasText: 'public addresses only' }).waitFor();
  expect(await dash.getByRole('heading', { name: 'Dashboard', level: 1 }).count()).toBe(1);
}, 60_000);

it('rotating the key ends the live stream: the dashboard shows offline; VODs and clips are deleted', async () => {
  const [dash] = streamerContext.pages();
  if (!dash) throw new Error('the dashboard tab is gone');
  // A clip of the live stream, made by the fan, for the clip list.
  const fanToken = (await fanContext.cookies()).find((c) => c.name === 'glint_session')?.value ?? '';
  const clip = await until(
    async () => {
      const asked = await callApi(t.http('/api/clips'), { json: { channel: STREAMER, seconds: 5 }, bearer: fanToken });
      return asked.status === 202 ? asked.body : undefined;
    },
    { what: '5 s archived to clip', timeoutMs: 20_000, intervalMs: 1000 },
  );
  // The dashboard lists and deletes a clip whatever became of it (making clips is the clip tests' subject).
  const made = await until(
    async () => {
      const answer = await callApi(t.http(`/api/clips/${clip.id}`));
      return answer.body.status === 'ready' || answer.body.status === 'failed' ? answer.body : undefined;
    },
    { what: 'the clip made (or failed)', timeoutMs: 45_000, intervalMs: 500 },
  );
  if (made.status === 'failed') {
    console.log(`the clip failed: ${made.error}; log: ${t.logs.filter((l) => l.includes('clip')).join('\n')}`);
  }

  await dash.getByRole('button', { name: 'Rotate key' }).click();
  await dash.getByText('You are live now: your stream ends at once.').waitFor();
  await dash.getByRole('button', { name: 'Rotate the key now' }).click();
  const newKey = await dash.getByTestId('stream-key').inputValue();
  expect(newKey.length).toBeGreaterThan(20);
  expect(await publisher?.exited).not.toBeUndefined();
  await until(async () => (await dash.getByTestId('live-status').textContent())?.startsWith('Offline'), {
    what: 'the dashboard showing offline',
    timeoutMs: 20_000,
  });
  expect(await dash.locator('video[data-testid="preview"]').count()).toBe(0);
  expect(t.glint.hub.isLive(STREAMER)).toBe(false);

  // The ended broadcast's VOD and the clip, deleted from their lists (after a reload that lists them).
  await until(async () => (await callApi(t.http(`/api/channels/${STREAMER}/vods`))).body.items[0]?.state === 'ready', {
    what: 'the VOD ended',
  });
  await dash.reload();
  const vods = dash.getByRole('list', { name: 'VODs' });
  await vods.getByRole('listitem').first().waitFor();
  await screenshots(dash, 'web-dashboard-offline');
  await vods.getByRole('button', { name: /^Delete VOD / }).click();
  await vods.getByRole('button', { name: 'Delete this VOD' }).click();
  await dash.getByText('No past broadcasts yet').waitFor();
  expect((await callApi(t.http(`/api/channels/${STREAMER}/vods`))).body.items).toEqual([]);
  const clips = dash.getByRole('list', { name: 'clips' });
  await clips.getByRole('button', { name: /^Delete clip / }).click();
  await clips.getByRole('button', { name: 'Delete this clip' }).click();
  await dash.getByText('No clips yet').waitFor();
  expect((await callApi(t.http(`/api/clips/${clip.id}`))).status).toBe(404);
}, 120_000);

it('an anonymous visitor is offered sign-in; with the API unreachable the dashboard offers a retry', async () => {
  const anonymous = await browser.newPage({ viewport: DESKTOP });
  await anonymous.goto(t.http('/dashboard'));
  await anonymous.getByRole('link', { name: 'Sign in' }).first().waitFor();
  expect(await anonymous.getByRole('main').getByRole('link', { name: 'Sign in' }).getAttribute('href')).toBe(
    '/signin?next=/dashboard',
  );
  expect(await anonymous.getByTestId('bell').count()).toBe(0);
  await anonymous.close();

  // The network to the API cut in this tab only: the retry state, then the dashboard once it answers again.
  const tab = await streamerContext.newPage();
  await tab.route('**/api/channels/**', (route) => route.abort('connectionrefused'));
  await tab.goto(t.http('/dashboard'));
  const retry = tab.getByRole('button', { name: 'Try again' });
  await retry.waitFor();
  await screenshots(tab, 'web-dashboard-retry');
  await tab.unroute('**/api/channels/**');
  await retry.click();
  await tab.getByRole('heading', { name: 'Stream key' }).waitFor();
  await tab.close();
}, 60_000);
