/**
 * The web app's chat panel in Chromium, three people in one channel's room: a viewer's emote shows as an image; the
 * viewer sending twice within a second sees the rate limit's countdown with sending closed until it ends; the
 * viewer's socket drops while a moderator (granted with the roles API) writes, and on reconnecting the panel resumes
 * from its last seq, shows what was sent meanwhile and says so; the moderator times the viewer out from the
 * message's mod tools and the viewer sees it (their lines marked, a countdown of the timeout). Keyboard: the emote
 * picker inserts a code; over 500 characters is refused inline. Screenshots at 1280 and 390 px in player/test-results/.
 */
import { mkdirSync } from 'node:fs';
import { launchChromium, until } from '@glint/testkit';
import { startGlint, type TestGlint } from '@glint/testkit/media-server';
import { callApi } from '@glint/testkit/platform';
import type { Browser, BrowserContext, Page, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';

const SCREENSHOTS = new URL('../../player/test-results/', import.meta.url);
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const CHANNEL = 'chatcast';
const VIEWER = 'viewer_vi';
const MOD = 'mod_mo';

let t: TestGlint;
let browser: Browser;
const contexts: BrowserContext[] = [];

async function signUp(login: string): Promise<string> {
  const answer = await callApi(t.http('/api/auth/signup'), { json: { login, password: `${login}-password-1` } });
  expect(answer.status).toBe(201);
  return answer.body.token as string;
}

async function signedInPage(token: string): Promise<Page> {
  const context = await browser.newContext({ viewport: DESKTOP });
  contexts.push(context);
  await context.addCookies([{ name: 'glint_session', value: token, url: t.http('/') }]);
  return context.newPage();
}

async function openWatch(page: Page): Promise<void> {
  await page.goto(t.http(`/watch/${CHANNEL}`));
  await page.waitForSelector('#chat form:not([hidden]) input');
}

async function say(page: Page, text: string): Promise<void> {
  await page.fill('#chat input', text);
  await page.press('#chat input', 'Enter');
}

function line(page: Page, text: string) {
  return page.locator('#chat li', { hasText: text });
}

async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: new URL(`${name}.png`, SCREENSHOTS).pathname });
}

beforeAll(async () => {
  [t, browser] = await Promise.all([startGlint([]), launchChromium()]);
}, 60_000);

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await t?.stop();
});

it('emotes, the rate-limit countdown, a resumed reconnect and a moderator timeout, as the viewer sees them', async () => {
  const [casterToken, viewerToken, modToken] = await Promise.all([signUp(CHANNEL), signUp(VIEWER), signUp(MOD)]);
  const grant = await callApi(t.http(`/api/channels/${CHANNEL}/roles/moderator/${MOD}`), {
    method: 'PUT',
    bearer: casterToken,
  });
  expect(grant.status).toBe(204);

  const viewer = await signedInPage(viewerToken);
  // The viewer's chat socket goes through this route: the test can drop it, and refuse new ones for a while.
  const joins: unknown[] = [];
  let current: WebSocketRoute | null = null;
  let outage = false;
  await viewer.routeWebSocket(/\/chat$/, (ws) => {
    if (outage) {
      void ws.close({ code: 1001, reason: 'the test keeps chat down' });
      return;
    }
    current = ws;
    const server = ws.connectToServer();
    ws.onMessage((message) => {
      const frame = JSON.parse(String(message)) as { type: string };
      if (frame.type === 'join') joins.push(frame);
      server.send(message);
    });
  });
  const mod = await signedInPage(modToken);
  await Promise.all([openWatch(viewer), openWatch(mod)]);

  // 1. An emote, typed by name and picked by keyboard from the picker, shows as an image on both pages.
  await viewer.fill('#chat input', 'hello');
  await viewer.focus('#chat button[aria-label="Emotes"]');
  await viewer.keyboard.press('Enter');
  const picker = viewer.locator('#chat [role="dialog"][aria-label="Emotes"]');
  await picker.waitFor();
  await viewer.keyboard.press('Enter');
  await picker.waitFor({ state: 'detached' });
  const typed = await viewer.inputValue('#chat input');
  const pickedCode = typed.replace('hello', '').trim();
  expect(pickedCode).toMatch(/^[A-Za-z][A-Za-z0-9]{2,19}$/);
  await viewer.keyboard.type('glintWave');
  await viewer.keyboard.press('Enter');
  for (const page of [viewer, mod]) {
    const sent = line(page, 'hello');
    await sent.locator('img.emote[alt="glintWave"]').waitFor({ timeout: 10_000 });
    expect(
      await sent.locator('img.emote').evaluateAll((images) => images.map((i) => (i as HTMLImageElement).alt)),
    ).toEqual([pickedCode, 'glintWave']);
    await until(
      () =>
        sent
          .locator('img.emote')
          .evaluateAll((images) => images.every((i) => (i as HTMLImageElement).naturalWidth > 0)),
      { what: 'the emote images loaded', timeoutMs: 10_000 },
    );
  }

  // 2. Over 500 characters is refused inline, before anything is sent.
  await viewer.fill('#chat input', 'x'.repeat(501));
  await viewer.locator('#chat [role="alert"]', { hasText: 'Too long: 501 characters' }).waitFor();
  expect(await viewer.getAttribute('#chat input', 'aria-invalid')).toBe('true');
  expect(await viewer.isDisabled('#chat button[type="submit"]')).toBe(true);

  // 3. Twice within a second: the server's rate limit, a live countdown, sending closed until it ends.
  const wait = viewer.locator('#chat .chat-wait');
  for (let i = 0; i < 5 && !(await wait.isVisible()); i++) {
    await say(viewer, `quick ${i}a`);
    await say(viewer, `quick ${i}b`);
  }
  await wait.waitFor({ timeout: 5000 });
  const countdown = await wait.textContent();
  expect(countdown).toMatch(/You are sending messages too quickly\. You can chat again in \d\.\d s\./);
  expect(await viewer.isDisabled('#chat button[type="submit"]')).toBe(true);
  await screenshot(viewer, 'web-chat-rate-limited-1280');
  await wait.waitFor({ state: 'detached', timeout: 5000 });
  expect(await viewer.inputValue('#chat input')).toMatch(/^quick \d[ab]$/);
  expect(await viewer.isEnabled('#chat button[type="submit"]')).toBe(true);

  // 4. The viewer's socket drops; the moderator writes meanwhile; the viewer's panel resumes from its last seq.
  outage = true;
  await (current as WebSocketRoute | null)?.close({ code: 1001, reason: 'a chat pod went away' });
  await viewer.locator('#chat .chat-status', { hasText: 'Chat disconnected' }).waitFor({ timeout: 5000 });
  await say(mod, 'sent while you were away 1');
  await say(mod, 'sent while you were away 2');
  await line(mod, 'sent while you were away 2').waitFor();
  expect(await line(viewer, 'sent while you were away').count()).toBe(0);
  outage = false;
  await viewer.click('#chat button:text("Reconnect now")');
  await line(viewer, 'sent while you were away 2').waitFor({ timeout: 10_000 });
  await line(viewer, 'Reconnected; 2 messages sent meanwhile shown.').waitFor();
  const badges = line(viewer, 'sent while you were away 1').locator('[role="img"]');
  expect(await badges.evaluateAll((marks) => marks.map((m) => m.getAttribute('aria-label')))).toEqual(['Moderator']);
  expect(joins.length).toBeGreaterThanOrEqual(2);
  expect(joins[0]).toEqual({ type: 'join', room: CHANNEL });
  expect(joins.at(-1)).toMatchObject({ type: 'join', room: CHANNEL, since: expect.any(Number) });

  // 5. The moderator times the viewer out from the message's mod tools, by keyboard; the viewer sees it. (The
  // moderator's own lines offer no tools.)
  expect(await line(mod, 'sent while you were away 1').locator('button.mod-toggle').count()).toBe(0);
  const target = line(mod, 'hello');
  await target.hover();
  await target.locator(`button[aria-label="Moderate ${VIEWER}'s message"]`).focus();
  await mod.keyboard.press('Enter');
  const menu = mod.locator('#chat [role="menu"]');
  await menu.waitFor();
  expect(await mod.evaluate(() => document.activeElement?.textContent)).toBe('Delete message');
  await mod.keyboard.press('ArrowDown');
  expect(await mod.evaluate(() => document.activeElement?.textContent)).toBe(`Time out ${VIEWER} (10 min)`);
  await screenshot(mod, 'web-chat-mod-tools-1280');
  await mod.keyboard.press('Enter');
  await menu.waitFor({ state: 'detached' });
  await line(viewer, `${VIEWER} was timed out for 10 minutes.`).waitFor({ timeout: 10_000 });
  await line(mod, `${VIEWER} was timed out for 10 minutes.`).waitFor();
  // Every line the viewer wrote is marked removed, its text and emotes gone.
  const viewerLines = viewer.locator(`#chat li[data-login="${VIEWER}"]`);
  const written = await viewerLines.count();
  expect(written).toBeGreaterThanOrEqual(1);
  expect(await viewerLines.locator('.chat-removed').allTextContents()).toEqual(
    Array(written).fill('message removed: the sender was timed out'),
  );
  expect(await viewerLines.locator('img.emote').count()).toBe(0);
  await wait.waitFor();
  expect(await wait.textContent()).toMatch(
    /A moderator timed you out for 10 minutes\. You can chat again in (10:00|9:[0-5]\d)\./,
  );
  expect(await viewer.isDisabled('#chat button[type="submit"]')).toBe(true);
  await screenshot(viewer, 'web-chat-timed-out-1280');
  await viewer.setViewportSize(PHONE);
  await viewer.locator('#chat .chat-wait').scrollIntoViewIfNeeded();
  await screenshot(viewer, 'web-chat-timed-out-390');

  // 6. A busy room: the list follows the newest line until the viewer scrolls up; then it stays put and offers a
  // jump back that counts what arrived below.
  const log = viewer.locator('#chat ol.chat-log');
  await chatBot(mod, lines('filler', 30));
  await line(viewer, 'filler 29').waitFor({ timeout: 10_000 });
  await until(() => log.evaluate((list) => list.scrollHeight - list.scrollTop - list.clientHeight < 48), {
    what: 'the list following the newest line',
    timeoutMs: 5000,
  });
  await log.evaluate((list) => {
    list.scrollTop = 0;
  });
  const jump = viewer.locator('#chat button.chat-more');
  await jump.waitFor();
  await chatBot(mod, lines('later', 3));
  await jump.filter({ hasText: 'More messages below (3)' }).waitFor({ timeout: 10_000 });
  expect(await log.evaluate((list) => list.scrollTop)).toBe(0);
  await screenshot(viewer, 'web-chat-paused-390');
  await jump.click();
  await jump.waitFor({ state: 'detached' });
  expect(await log.evaluate((list) => list.scrollHeight - list.scrollTop - list.clientHeight)).toBeLessThan(48);

  // 7. The room's modes, set by the moderator, shown to the viewer as they change.
  await chatBot(mod, [
    { type: 'mod', action: { kind: 'slow', seconds: 30 } },
    { type: 'mod', action: { kind: 'subscribers-only', on: true } },
  ]);
  const modes = viewer.locator('#chat ul.chat-modes li');
  await until(async () => (await modes.allTextContents()).join('|') === 'Slow mode: 30 s|Subscribers only', {
    what: 'the modes shown',
    timeoutMs: 10_000,
  });
  await line(viewer, 'Slow mode is on: one message every 30 s.').waitFor();
  await line(viewer, 'Subscribers-only mode is on.').waitFor();
  await viewer.setViewportSize(DESKTOP);
  await screenshot(viewer, 'web-chat-modes-1280');
}, 120_000);

/** `count` chat lines "<word> 0", "<word> 1", … as send frames. */
function lines(word: string, count: number): object[] {
  return Array.from({ length: count }, (_, i) => ({ type: 'send', text: `${word} ${i}` }));
}

/** Another chat client in the moderator's page (its own socket, their session) sends `frames` to the room, 15 a second. */
async function chatBot(page: Page, frames: readonly object[]): Promise<void> {
  await page.evaluate(
    async ({ room, frames }) => {
      const ws = new WebSocket(`ws://${location.host}/chat`);
      const joined = new Promise<void>((resolve) => {
        ws.onmessage = (event) => {
          if (JSON.parse(String(event.data)).type === 'joined') resolve();
        };
      });
      ws.onopen = () => ws.send(JSON.stringify({ type: 'join', room }));
      await joined;
      for (const frame of frames) {
        ws.send(JSON.stringify({ ...frame, room }));
        // Under the protocol's 20 frames a second per connection.
        await new Promise((resolve) => setTimeout(resolve, 66));
      }
      ws.close();
    },
    { room: CHANNEL, frames },
  );
}
