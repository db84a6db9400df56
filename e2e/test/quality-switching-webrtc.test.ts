/**
 * Quality switching in WebRTC mode on a whole Glint with its transcoding ladder: ffmpeg publishes RTMP at 360p, the
 * ladder makes 240p and 180p rungs, the SFU offers the three as video layers. The watch page in WebRTC mode lists
 * Auto and the layers (read from GET /whep/<channel>/layers); picking 180p sends PATCH {"layer":"180p"} on the WHEP
 * session and the received picture becomes 180 lines high without a freeze (the receiver's own freezeCount) and
 * without a new connection; Auto sends {"layer":null}.
 */
import { mkdirSync } from 'node:fs';
import { launchChromium, type Publisher, publish, until } from '@glint/testkit';
import { startGlint, type TestGlint } from '@glint/testkit/media-server';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BUSY_MACHINE_LAG_MS } from '../support/busy-machine.ts';

const SCREENSHOTS = new URL('../../player/test-results/', import.meta.url);
const RUNGS = [
  { name: '240p', height: 240, fps: 30, bitrateKbps: 500 },
  { name: '180p', height: 180, fps: 30, bitrateKbps: 300 },
];

let t: TestGlint;
let browser: Browser;
let publisher: Publisher;

beforeAll(async () => {
  [t, browser] = await Promise.all([
    startGlint(['rtc'], { ladder: RUNGS, ladderMaxLagMs: BUSY_MACHINE_LAG_MS }),
    launchChromium(),
  ]);
  publisher = publish(t.rtmp('rtc'), { size: '640x360' });
}, 60_000);

afterAll(async () => {
  publisher?.kill('SIGKILL');
  await browser?.close();
  await t?.stop();
});

interface RtcView {
  videoHeight: number;
  currentTime: number;
  rendition: string;
  choice: string;
  frameHeight: number;
  framesDecoded: number;
  freezeCount: number;
  freezesSec: number;
  connectionState: string;
  sessionUrl: string;
}

function view(tab: Page): Promise<RtcView> {
  return tab.evaluate(async () => {
    const player = (
      window as unknown as {
        glintPlayer: { whep: { pc: RTCPeerConnection | null; session: { resourceUrl: string | null } | null } | null };
      }
    ).glintPlayer;
    const pc = player.whep?.pc ?? null;
    const video = document.getElementById('video') as HTMLVideoElement;
    const seen = { frameHeight: 0, framesDecoded: 0, freezeCount: 0, freezesSec: 0 };
    (await pc?.getStats())?.forEach((r: Record<string, unknown>) => {
      if (r.type === 'inbound-rtp' && r.kind === 'video') {
        seen.frameHeight = Number(r.frameHeight ?? 0);
        seen.framesDecoded = Number(r.framesDecoded ?? 0);
        seen.freezeCount = Number(r.freezeCount ?? 0);
        seen.freezesSec = Number(r.totalFreezesDuration ?? 0);
      }
    });
    return {
      ...seen,
      videoHeight: video.videoHeight,
      currentTime: video.currentTime,
      rendition: document.getElementById('rendition')?.textContent ?? '',
      choice: (document.getElementById('quality') as HTMLSelectElement).value,
      connectionState: pc?.connectionState ?? 'none',
      sessionUrl: player.whep?.session?.resourceUrl ?? '',
    };
  });
}

/** Waits until `ok` holds for the page's view; on timeout the error carries the last view seen. */
async function untilView(tab: Page, ok: (v: RtcView) => boolean, what: string, timeoutMs: number): Promise<RtcView> {
  let last: RtcView | undefined;
  try {
    return await until(
      async () => {
        last = await view(tab);
        return ok(last) ? last : false;
      },
      { what, timeoutMs },
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}; last seen ${JSON.stringify(last)}`, { cause: error });
  }
}

/**
 * Waits for 60 frames in a row the machine decoded without a freeze, so a freeze after the pick is the switch's and
 * not two busy cores' (other tests, benchmarks) starving the renderer.
 */
async function calmWindow(tab: Page): Promise<{ start: RtcView; end: RtcView; starved: number }> {
  let starved = 0;
  const deadline = performance.now() + 40_000;
  while (performance.now() < deadline) {
    const start = await view(tab);
    const end = await untilView(tab, (v) => v.framesDecoded > start.framesDecoded + 60, '60 frames decoded', 15_000);
    if (end.freezeCount === start.freezeCount) return { start, end, starved };
    starved += end.freezeCount - start.freezeCount;
  }
  throw new Error(
    `the video froze ${starved} times in every 60-frame window for 40 s: the machine is too loaded to judge`,
  );
}

it('lists the layers in WebRTC mode, plays a picked one without a freeze or a new connection, and goes back to Auto', async () => {
  const layers = await until(
    async () => {
      const res = await fetch(t.http('/whep/rtc/layers')).catch(() => null);
      const body = res?.ok ? ((await res.json()) as { layers: Array<{ id: string; height: number }> }) : null;
      return body && body.layers.length === 1 + RUNGS.length ? body.layers : undefined;
    },
    { what: 'the source and both rungs as WebRTC layers', timeoutMs: 40_000, intervalMs: 250 },
  );
  expect(layers.map((l) => `${l.id}:${l.height}`).sort()).toEqual(['180p:180', '240p:240', 'source:360']);

  const tab = await browser.newPage();
  const errors: string[] = [];
  tab.on('pageerror', (e) => errors.push(e.message));
  const patches: Array<{ body: string; status: number }> = [];
  tab.on('response', async (res) => {
    if (res.request().method() === 'PATCH')
      patches.push({ body: res.request().postData() ?? '', status: res.status() });
  });
  await tab.goto(t.http('/watch/rtc?mode=webrtc'));
  const options = ['Auto', 'Source (360p)', '240p · 500 kbit/s', '180p · 300 kbit/s'];
  await until(
    async () => JSON.stringify(await tab.locator('#quality option').allTextContents()) === JSON.stringify(options),
    {
      what: `the WebRTC menu listing ${options.join(', ')}`,
      timeoutMs: 30_000,
    },
  );
  expect(await tab.isVisible('#quality-menu')).toBe(true);
  const playing = await until(
    async () => {
      const v = await view(tab);
      return v.currentTime > 1.5 && v.videoHeight > 0 && v.rendition.startsWith(`${v.videoHeight}p`) ? v : false;
    },
    { what: 'WebRTC playback with the readout naming the received height', timeoutMs: 30_000 },
  );
  expect(playing.choice).toBe('auto');

  // The menu open on Glint's page in WebRTC mode, for a person to look at.
  await tab.focus('#quality');
  await tab.keyboard.press('Enter');
  mkdirSync(SCREENSHOTS, { recursive: true });
  await tab.screenshot({ path: new URL('quality-menu-webrtc.png', SCREENSHOTS).pathname });
  await tab.keyboard.press('Escape');

  const { start: baseline, end: before, starved } = await calmWindow(tab);
  const pickedAt = performance.now();
  await tab.selectOption('#quality', { label: '180p · 300 kbit/s' });
  const at180 = await untilView(
    tab,
    (v) => v.videoHeight === 180 && v.frameHeight === 180 && v.rendition.startsWith('180p'),
    'the received video at 180 lines',
    20_000,
  );
  const switchMs = Math.round(performance.now() - pickedAt);
  // Frames keep coming after the switch.
  await untilView(tab, (v) => v.framesDecoded > at180.framesDecoded + 30, '30 more frames decoded at 180p', 15_000);
  const after = await view(tab);
  const freezes = after.freezeCount - before.freezeCount;
  const frozenMs = Math.round((after.freezesSec - before.freezesSec) * 1000);
  console.log(
    `[quality webrtc] ${before.frameHeight}p → 180p shown ${switchMs} ms after the pick; freezes from the pick to 30 frames ` +
      `at 180p: ${freezes} (${frozenMs} ms); over the 60 frames before it ${before.freezeCount - baseline.freezeCount}, ${starved} before the machine gave a calm window`,
  );
  // A switch that waited on a frozen picture for the layer's keyframe would freeze up to a GOP (1 s); a busy
  // machine's scheduling hiccup is one short freeze (Chromium counts a gap over ~180 ms at 30 fps).
  expect(freezes).toBeLessThanOrEqual(1);
  expect(frozenMs).toBeLessThan(400);
  expect(after.sessionUrl).toBe(before.sessionUrl);
  expect(after.connectionState).toBe('connected');
  expect(after.choice).not.toBe('auto');

  await tab.selectOption('#quality', 'auto');
  await until(async () => patches.length === 2, { what: 'the Auto PATCH answered' });
  expect(patches.map((p) => [JSON.parse(p.body), p.status])).toEqual([
    [{ layer: '180p' }, 204],
    [{ layer: null }, 204],
  ]);
  const auto = await view(tab);
  expect(auto.choice).toBe('auto');
  await until(async () => (await view(tab)).framesDecoded > auto.framesDecoded + 30, {
    what: 'playback going on after Auto',
    timeoutMs: 10_000,
  });
  expect(t.logs.some((line) => line.includes('WHEP viewer layer chosen') && line.includes('"layer":"auto"'))).toBe(
    true,
  );
  expect(errors).toEqual([]);
  await tab.close();
}, 90_000);

it('a rung picked in LL-HLS mode is picked again in WebRTC mode (by its resolution), and back', async () => {
  const tab = await browser.newPage();
  const errors: string[] = [];
  tab.on('pageerror', (e) => errors.push(e.message));
  await tab.goto(t.http('/watch/rtc'));
  const hlsLabel = await until(
    async () => (await tab.locator('#quality option').allTextContents()).find((l) => l.startsWith('180p')),
    { what: 'the LL-HLS menu listing 180p', timeoutMs: 30_000 },
  );
  await tab.selectOption('#quality', { label: hlsLabel });
  await tab.click('#mode-webrtc');
  await until(async () => (await tab.locator('#quality option:checked').textContent()) === '180p · 300 kbit/s', {
    what: 'WebRTC mode with 180p chosen',
    timeoutMs: 30_000,
  });
  const at180 = await untilView(
    tab,
    (v) => v.frameHeight === 180 && v.videoHeight === 180,
    'WebRTC mode playing 180p',
    30_000,
  );
  expect(at180.connectionState).toBe('connected');
  await tab.click('#mode-llhls');
  await until(async () => (await tab.locator('#quality option:checked').textContent())?.startsWith('180p'), {
    what: 'LL-HLS mode with 180p chosen again',
    timeoutMs: 30_000,
  });
  expect(errors).toEqual([]);
  await tab.close();
}, 90_000);
