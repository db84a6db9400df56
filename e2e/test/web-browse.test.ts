/**
 * The browse page in Chromium against a whole Glint: while nobody is live it says so; two streamers (signed up
 * through the API, with titles and categories) go live with ffmpeg and the open page lists them at its next
 * refresh (30 s, fast-forwarded) without a reload. A signed-in viewer who follows the second sees it first, under
 * Followed; each card has its live picture (a JPEG the server took from the stream: naturalWidth > 0), the title,
 * the category and the viewer count; the cards are links named by the channel, and clicking one opens its watch
 * page. The API down shows a retry state. Screenshots at 1280 and 390 px go to player/test-results/.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { launchChromium, type Publisher, publish, until } from '@glint/testkit';
import { startGlint, type TestGlint } from '@glint/testkit/media-server';
import { callApi } from '@glint/testkit/platform';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';

const SHOTS = fileURLToPath(new URL('../../player/test-results/', import.meta.url));
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const STREAMERS = [
  { login: 'alphacast', displayName: 'Alpha Cast', title: 'Building a synth <live>', category: 'Music' },
  { login: 'betacast', displayName: 'Beta Cast', title: 'Speedrun practice', category: 'Games' },
] as const;

let t: TestGlint;
let browser: Browser;
const publishers: Publisher[] = [];
const tokens: Record<string, string> = {};
const tokenOf = (login: string) => tokens[login] ?? '';
let viewerPing: NodeJS.Timeout | undefined;

async function signUp(login: string, displayName?: string): Promise<string> {
  const reply = await callApi(t.http('/api/auth/signup'), {
    json: { login, password: `${login}-password-1`, ...(displayName ? { displayName } : {}) },
  });
  expect(reply.status).toBe(201);
  return reply.body.token as string;
}

async function shots(page: Page, name: string): Promise<void> {
  await page.setViewportSize(DESKTOP);
  await page.screenshot({ path: `${SHOTS}${name}-1280.png`, fullPage: true });
  await page.setViewportSize(PHONE);
  await page.screenshot({ path: `${SHOTS}${name}-390.png`, fullPage: true });
  await page.setViewportSize(DESKTOP);
}

/** The channels on the page, in order, with the section each is in. */
function cardsOnPage(page: Page) {
  return page.locator('.live-card').evaluateAll((cards) =>
    cards.map((card) => ({
      channel: card.getAttribute('data-channel'),
      section: card.closest('section')?.querySelector('h2')?.textContent ?? null,
    })),
  );
}

/** Every card's picture loaded and decoded (naturalWidth > 0). */
async function picturesLoaded(page: Page): Promise<number[]> {
  return until(
    async () => {
      const widths = await page
        .locator('.live-card img')
        .evaluateAll((imgs) =>
          imgs.map((i) => ((i as HTMLImageElement).complete ? (i as HTMLImageElement).naturalWidth : 0)),
        );
      return widths.length === STREAMERS.length && widths.every((w) => w > 0) && widths;
    },
    { what: 'every card showing its live picture', timeoutMs: 20_000, intervalMs: 200 },
  );
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  [t, browser] = await Promise.all([startGlint([]), launchChromium()]);
  for (const s of STREAMERS) {
    tokens[s.login] = await signUp(s.login, s.displayName);
    const patch = await callApi(t.http(`/api/channels/${s.login}`), {
      method: 'PATCH',
      bearer: tokenOf(s.login),
      json: { title: s.title, category: s.category },
    });
    expect(patch.status).toBe(200);
  }
  tokens.viewer = await signUp('browsefan');
  const follow = await callApi(t.http('/api/channels/betacast/follow'), { method: 'PUT', bearer: tokenOf('viewer') });
  expect(follow.status).toBe(204);
}, 60_000);

afterAll(async () => {
  clearInterval(viewerPing);
  for (const p of publishers) p.kill('SIGKILL');
  await browser?.close();
  await t?.stop();
});

it('lists live channels (followed first) with pictures, titles, categories and viewers; a card opens the channel', async () => {
  const errors: string[] = [];
  // Anonymous, before anyone is live: the empty state. The page's clock is the test's, to fast-forward its refresh.
  const anonymous = await browser.newPage({ viewport: DESKTOP });
  anonymous.on('pageerror', (e) => errors.push(e.message));
  await anonymous.clock.install();
  await anonymous.goto(t.http('/'));
  await anonymous.getByText('Nobody is live right now.').waitFor();
  await shots(anonymous, 'web-browse-empty');

  for (const s of STREAMERS) {
    const key = await callApi(t.http(`/api/channels/${s.login}/stream-key`), {
      method: 'POST',
      bearer: tokenOf(s.login),
    });
    expect(key.status).toBe(201);
    publishers.push(publish(t.rtmp(s.login, key.body.streamKey)));
  }
  // Two LL-HLS viewers on alphacast (their players' playlist requests, each with its viewer id).
  const watchAlpha = () => {
    for (const id of ['viewer-one', 'viewer-two']) {
      void fetch(t.http('/live/alphacast/index.m3u8'), { headers: { 'X-Glint-Viewer': id } }).then(
        (r) => r.arrayBuffer(),
        () => undefined,
      );
    }
  };
  viewerPing = setInterval(watchAlpha, 1000);
  await until(
    async () => {
      const { body } = await callApi(t.http('/api/channels?live=true'));
      const items = body.items as { name: string; live: { viewers: number } | null }[];
      const alpha = items.find((c) => c.name === 'alphacast');
      return items.length === 2 && alpha?.live?.viewers === 2;
    },
    { what: 'both channels live, alphacast with 2 viewers', timeoutMs: 30_000, intervalMs: 250 },
  );
  // Their first complete segments, so the pictures can be taken.
  await until(async () => (await fetch(t.http('/live/betacast/thumbnail.jpg'))).status === 200, {
    what: 'betacast picture',
    timeoutMs: 20_000,
    intervalMs: 250,
  });

  // The open page lists them at its next refresh, without a reload.
  await anonymous.clock.fastForward(30_000);
  await anonymous.locator('.live-card').nth(1).waitFor({ timeout: 10_000 });
  expect(await anonymous.getByRole('heading', { name: 'Followed' }).count()).toBe(0);
  expect((await cardsOnPage(anonymous)).map((c) => c.channel)).toEqual(['alphacast', 'betacast']);
  await anonymous.close();

  // The follower: betacast first, under Followed; alphacast under the rest.
  const context = await browser.newContext({ viewport: DESKTOP });
  await context.addCookies([{ name: 'glint_session', value: tokenOf('viewer'), url: t.http('/') }]);
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(t.http('/'));
  await page.getByRole('heading', { name: 'Followed' }).waitFor();
  expect(await cardsOnPage(page)).toEqual([
    { channel: 'betacast', section: 'Followed' },
    { channel: 'alphacast', section: 'More live channels' },
  ]);
  const widths = await picturesLoaded(page);
  console.log(`[web browse] card pictures ${widths.join(', ')} px wide`);
  expect(widths).toEqual([640, 640]);

  // Each card: a link named by the channel, with its title, category and viewers.
  const alpha = page.getByRole('link', { name: 'Alpha Cast', exact: true });
  const beta = page.getByRole('link', { name: 'Beta Cast', exact: true });
  expect(await alpha.getAttribute('href')).toBe('/watch/alphacast');
  expect(await alpha.textContent()).toContain('Building a synth <live>');
  const alphaFacts = await page.locator('[data-channel="alphacast"] .live-card-facts').textContent();
  expect(alphaFacts).toMatch(/^Music · 2 viewers · live (just now|\d+ min)$/);
  expect(await page.locator('[data-channel="betacast"] .live-card-facts').textContent()).toMatch(/^Games · 0 viewers/);
  // Reached by keyboard: Tab from the page's heading comes to the first card.
  await page.getByRole('heading', { name: 'Live now' }).click();
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => document.activeElement?.getAttribute('href'))).toBe('/watch/betacast');
  await shots(page, 'web-browse');

  // At phone width the grid is one column: the cards are as wide as the page's content.
  await page.setViewportSize(PHONE);
  const boxes = await page.locator('.live-card').evaluateAll((cards) => cards.map((c) => c.getBoundingClientRect()));
  expect(boxes.every((b) => b.left === boxes[0]?.left && b.width > 320 && b.right <= 390)).toBe(true);
  await page.setViewportSize(DESKTOP);

  await beta.click();
  await page.waitForURL(t.http('/watch/betacast'));
  expect(errors).toEqual([]);
  await context.close();
}, 120_000);

it('shows a retry state while the channel list cannot be read, and the list once it can', async () => {
  const page = await browser.newPage({ viewport: PHONE });
  await page.route('**/api/channels?*', (route) => route.abort('connectionrefused'));
  await page.goto(t.http('/'));
  const retry = page.getByRole('button', { name: 'Try again' });
  await retry.waitFor();
  expect(await page.getByRole('alert').textContent()).toMatch(/cannot be reached/);
  await page.screenshot({ path: `${SHOTS}web-browse-api-down-390.png`, fullPage: true });
  await page.unroute('**/api/channels?*');
  await retry.click();
  await page.locator('.live-card').nth(1).waitFor();
  await page.close();
});
