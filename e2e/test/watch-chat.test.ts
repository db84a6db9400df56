/**
 * Chat on the watch page, in Chromium: a signed-in viewer types a message and a second, anonymous page shows it, as
 * text (a tag stays visible characters) with the emote as an image; the anonymous page offers no input but a link to
 * sign in that comes back to this page. Signing out on the page turns the writer's chat anonymous too.
 */
import { mkdirSync } from 'node:fs';
import { launchChromium, until } from '@glint/testkit';
import { startGlint, type TestGlint } from '@glint/testkit/media-server';
import { callApi } from '@glint/testkit/platform';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';

let t: TestGlint;
let browser: Browser;

beforeAll(async () => {
  t = await startGlint(['talkshow']);
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

it('a message typed on one watch page appears on another, as text with its emote', async () => {
  const signup = await callApi(t.http('/api/auth/signup'), {
    json: { login: 'typist', password: 'typist-password-1' },
  });
  expect(signup.status).toBe(201);
  const writerContext = await browser.newContext();
  await writerContext.addCookies([{ name: 'glint_session', value: signup.body.token, url: t.http('/') }]);
  const writer = await writerContext.newPage();
  const reader = await browser.newPage();
  await writer.goto(t.http('/watch/talkshow'));
  await reader.goto(t.http('/watch/talkshow'));
  await writer.waitForSelector('#chat form:not([hidden])');
  const signIn = reader.locator('#chat .chat-status a', { hasText: 'Sign in to chat' });
  await signIn.waitFor();
  expect(await signIn.getAttribute('href')).toBe(`/signin?next=${encodeURIComponent('/watch/talkshow')}`);
  expect(await reader.isHidden('#chat form')).toBe(true);
  expect(await reader.locator('#chat input').count()).toBe(0);

  await writer.fill('#chat input', '<i>hello</i> glintWave');
  await writer.press('#chat input', 'Enter');
  const line = reader.locator('#chat li', { hasText: 'typist' });
  await line.waitFor({ timeout: 10_000 });
  expect(await line.textContent()).toContain('<i>hello</i>');
  expect(await line.locator('i').count()).toBe(0);
  expect(await line.locator('img.emote').getAttribute('alt')).toBe('glintWave');
  await until(async () => /1 in chat|2 in chat/.test((await reader.textContent('#chat .chat-counts')) ?? ''), {
    what: 'the room counts on the page',
    timeoutMs: 10_000,
  });
  const shots = new URL('../../player/test-results/', import.meta.url);
  mkdirSync(shots, { recursive: true });
  for (const width of [1280, 390]) {
    await reader.setViewportSize({ width, height: width === 390 ? 844 : 800 });
    await reader.locator('#chat').scrollIntoViewIfNeeded();
    await reader.screenshot({ path: new URL(`watch-chat-anonymous-${width}.png`, shots).pathname });
  }

  // Signing out on the page: the chat connects again, anonymous (the server reads the session once, at connection).
  await writer.click('button:text("Sign out")');
  await writer.locator('#chat .chat-status a', { hasText: 'Sign in to chat' }).waitFor({ timeout: 10_000 });
  expect(await writer.locator('#chat form').count()).toBe(0);
  await writerContext.close();
}, 60_000);
