/**
 * SFU cascading: an edge SFU (sfu-edge.ts, as `npm run sfu:edge` runs it) in front of a Glint origin live from RTMP.
 * Chromium viewers on the edge play video and audio; the origin sees one WHEP viewer for all of them (one upstream
 * per channel and edge); their keyframe requests reach the origin coalesced; the upstream goes when the last
 * viewer leaves; a channel that is not live at the origin is a 404 at the edge, and the edge refuses WHIP. Run with
 * each engine at the edge (mediasoup when its worker is built).
 */
import { readyMediasoup, type SfuEdge, startSfuEdge } from '@glint/media-server';
import { type BlankOrigin, launchChromium, type Publisher, publish, startBlankOrigin, until } from '@glint/testkit';
import { startGlint, type TestGlint } from '@glint/testkit/media-server';
import { pino } from 'pino';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { stopFromPage, viewerStats, viewFromPage } from '../support/webrtc-pages.ts';

const EDGE_TOKEN = 'edge-token-for-tests-0123456789';
let origin: TestGlint;
let browser: Browser;
let blank: BlankOrigin;
let publisher: Publisher;
const cleanups: Array<() => unknown> = [];

beforeAll(async () => {
  origin = await startGlint(['casc'], { edgeToken: EDGE_TOKEN });
  publisher = publish(origin.rtmp('casc'));
  [browser, blank] = await Promise.all([launchChromium({ webrtc: true }), startBlankOrigin()]);
  await until(() => (origin.glint.sfu.hasSource('casc') ? true : undefined), {
    what: 'the channel live at the origin',
    timeoutMs: 15_000,
  });
}, 60_000);

afterAll(async () => {
  publisher?.kill('SIGKILL');
  await browser?.close();
  await blank?.close();
  await origin?.stop();
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function apiViewers(): Promise<number | null> {
  const res = await fetch(origin.http('/api/channels/casc'));
  const body = (await res.json()) as { live: { viewers: number } | null };
  return body.live?.viewers ?? null;
}

async function edgeWith(engine: 'werift' | 'mediasoup'): Promise<SfuEdge> {
  const edge = await startSfuEdge({
    origin: origin.http(''),
    port: 0,
    engine,
    workers: 1,
    idleMs: 1500,
    edgeToken: EDGE_TOKEN,
    reportEveryMs: 500,
    logger: pino({ level: process.env.EDGE_LOG ?? 'silent' }),
  });
  cleanups.push(() => edge.stop());
  return edge;
}

async function viewer(edge: SfuEdge): Promise<Page> {
  const page = await browser.newPage();
  cleanups.push(() => page.close());
  await page.goto(blank.url);
  const session = await viewFromPage(page, edge.url('/whep/casc'));
  expect(session.error ?? '').toBe('');
  expect(session.status).toBe(201);
  return page;
}

const engines = readyMediasoup() ? (['werift', 'mediasoup'] as const) : (['werift'] as const);

describe.each(engines)('an edge SFU on %s in front of the origin', (engine) => {
  it('serves three viewers from one upstream, then lets it go when they leave', async () => {
    const edge = await edgeWith(engine);
    expect(edge.sfu.engine).toBe(engine);
    const pages = await Promise.all([viewer(edge), viewer(edge), viewer(edge)]);
    for (const page of pages) {
      await until(
        async () => {
          const s = await viewerStats(page);
          return s && s.framesDecoded >= 60 && s.frameHeight === 360 && s.audioPacketsReceived >= 50 ? s : undefined;
        },
        { what: `2 s of video and audio through the ${engine} edge`, timeoutMs: 30_000 },
      );
    }
    // One WHEP viewer at the origin for the three on the edge, and the origin counts the three.
    expect(origin.glint.sfu.subscriberCount('casc')).toBe(1);
    await until(async () => ((await apiViewers()) === 3 ? true : undefined), {
      what: "the origin's API to count the edge's three viewers",
      timeoutMs: 10_000,
    });
    expect(edge.sfu.subscriberCount('casc')).toBe(3);
    expect(edge.sfu.upstreams).toEqual(['casc']);
    // Keyframe requests: the three joins cost the origin's source a handful, not one per viewer per loss.
    const keyframes = origin.glint.sfu.keyframeStats('casc');
    expect(keyframes?.sent ?? 0).toBeLessThanOrEqual((keyframes?.requested ?? 0) + 1);
    for (const page of pages) expect(await stopFromPage(page, 'viewer')).toBe(200);
    await until(() => (origin.glint.sfu.subscriberCount('casc') === 0 ? true : undefined), {
      what: 'the edge to drop its upstream once idle',
      timeoutMs: 15_000,
    });
    expect(edge.sfu.upstreams).toEqual([]);
    expect(await apiViewers()).toBe(0);
  });

  it('answers 404 for a channel the origin does not have, and refuses WHIP', async () => {
    const edge = await edgeWith(engine);
    const page = await browser.newPage();
    cleanups.push(() => page.close());
    await page.goto(blank.url);
    const missing = await viewFromPage(page, edge.url('/whep/nosuchchannel'));
    expect(missing.status).toBe(404);
    const whip = await fetch(edge.url('/whip/casc'), {
      method: 'POST',
      headers: { 'Content-Type': 'application/sdp', Authorization: 'Bearer x' },
      body: 'v=0\r\n',
    });
    expect(whip.status).toBe(403);
    expect(await whip.text()).toMatch(/publish to the origin/);
    expect(origin.glint.sfu.subscriberCount('casc')).toBe(0);
  });
});

describe('edge viewer counts at the origin', () => {
  it('are taken only with the edge token, only for a session that exists, only as a whole number', async () => {
    const put = (path: string, body: string, token?: string) =>
      fetch(origin.http(path), {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
        body,
      });
    expect((await put('/whep/session/nosuch/audience', '{"viewers":5}')).status).toBe(403);
    expect((await put('/whep/session/nosuch/audience', '{"viewers":5}', 'wrong-token')).status).toBe(403);
    expect((await put('/whep/session/nosuch/audience', '{"viewers":5}', EDGE_TOKEN)).status).toBe(404);
    // A real session (a viewer page on the origin itself), then counts the origin refuses for it.
    const page = await browser.newPage();
    cleanups.push(() => page.close());
    await page.goto(blank.url);
    const session = await viewFromPage(page, origin.http('/whep/casc'));
    const path = `${new URL(session.resource ?? '').pathname}/audience`;
    for (const body of ['{"viewers":-1}', '{"viewers":1.5}', '{"viewers":"9"}', 'not json']) {
      expect((await put(path, body, EDGE_TOKEN)).status, body).toBe(400);
    }
    expect((await put(path, '{"viewers":40}', EDGE_TOKEN)).status).toBe(204);
    expect(await apiViewers()).toBe(40);
  });
});
