/**
 * Concurrent viewers of a channel, as the API reports them, across both delivery paths: two watch pages playing
 * LL-HLS in hls.js (one browser, so one address and one user agent: told apart by the player's viewer id), two plain
 * HTTP pollers of the media playlist, and one WebRTC viewer (the watch page in WebRTC mode). The count must rise to
 * 5 and fall back to 0 when they leave, each within 10 s; both figures are printed.
 */
import { launchChromium, type Publisher, publish, until } from '@glint/testkit';
import { startGlint, type TestGlint } from '@glint/testkit/media-server';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';

const CHANNEL = 'counted';
let t: TestGlint;
let browser: Browser;
let publisher: Publisher;

beforeAll(async () => {
  t = await startGlint([CHANNEL]);
  browser = await launchChromium({ webrtc: true });
  publisher = publish(t.rtmp(CHANNEL));
  await until(() => t.glint.hub.isLive(CHANNEL), { what: 'the RTMP publish', timeoutMs: 20_000 });
}, 60_000);

afterAll(async () => {
  publisher?.kill('SIGKILL');
  await browser?.close();
  await t?.stop();
});

async function apiViewers(): Promise<number | null> {
  const res = await fetch(t.http(`/api/channels/${CHANNEL}`));
  const body = (await res.json()) as { live: { viewers: number } | null };
  return body.live?.viewers ?? null;
}

/** A plain HTTP client reloading the media playlist once a second, with its own user agent. */
function poller(agent: string): () => void {
  let stopped = false;
  void (async () => {
    while (!stopped) {
      await fetch(t.http(`/live/${CHANNEL}/video/index.m3u8`), { headers: { 'user-agent': agent } })
        .then((r) => r.arrayBuffer())
        .catch(() => {});
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  })();
  return () => {
    stopped = true;
  };
}

it('counts LL-HLS players, HTTP pollers and WHEP viewers, and lets them go within 10 s', async () => {
  await until(async () => (await apiViewers()) === 0, { what: 'a live channel with no viewers', timeoutMs: 10_000 });
  const pages: Page[] = [];
  for (const mode of ['llhls', 'llhls', 'webrtc']) {
    const page = await browser.newPage();
    await page.goto(t.http(`/watch/${CHANNEL}?mode=${mode}`));
    pages.push(page);
  }
  // From the last viewer's arrival (pages are loaded and starting to play by now).
  const started = Date.now();
  const stopPollers = [poller('poller-one/1.0'), poller('poller-two/1.0')];
  await until(async () => (await apiViewers()) === 5, { what: '5 viewers in the API', timeoutMs: 20_000 });
  const rose = (Date.now() - started) / 1000;
  expect(rose).toBeLessThanOrEqual(10);
  expect(t.glint.sfu.subscriberCount(CHANNEL)).toBe(1);
  expect(t.glint.llhlsViewers.count(CHANNEL)).toBe(4);
  const metrics = await (await fetch(t.http('/metrics'))).text();
  expect(metrics).toContain(`glint_viewers{channel="${CHANNEL}",protocol="llhls"} 4`);
  expect(metrics).toContain(`glint_viewers{channel="${CHANNEL}",protocol="webrtc"} 1`);

  const leaving = Date.now();
  for (const stop of stopPollers) stop();
  for (const page of pages) await page.close({ runBeforeUnload: true });
  await until(async () => (await apiViewers()) === 0, {
    what: 'the count back to 0',
    timeoutMs: 12_000,
    detail: () => `llhls ${t.glint.llhlsViewers.count(CHANNEL)}, webrtc ${t.glint.sfu.subscriberCount(CHANNEL)}`,
  });
  const fell = (Date.now() - leaving) / 1000;
  console.info(
    `viewer count: rose to 5 in ${rose.toFixed(1)} s after the last viewer came, fell to 0 in ${fell.toFixed(1)} s`,
  );
  expect(fell).toBeLessThanOrEqual(10);
}, 90_000);
