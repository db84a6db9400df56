/**
 * The mediasoup engine end to end: an RTMP stream (ffmpeg, H.264 with B-frames and AAC) into Glint run with
 * GLINT_SFU_ENGINE=mediasoup, watched on the watch page in WebRTC mode in Chromium: video and Opus audio arrive
 * through mediasoup's worker, and leaving the page ends the viewer on the server. Needs the worker built into the
 * cache (`npm run sfu:build`); without it the suite says so and is skipped.
 */
import { readyMediasoup } from '@glint/media-server';
import { launchChromium, type Publisher, publish, until } from '@glint/testkit';
import { startGlint, type TestGlint } from '@glint/testkit/media-server';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const built = readyMediasoup() !== null;
if (!built) console.warn('mediasoup end-to-end test skipped: the worker is not built (npm run sfu:build)');

let t: TestGlint;
let browser: Browser;
const publishers: Publisher[] = [];

beforeAll(async () => {
  if (!built) return;
  t = await startGlint(['msfu'], { sfuEngine: 'mediasoup', sfuWorkers: 2 });
  browser = await launchChromium({ webrtc: true });
}, 60_000);

afterAll(async () => {
  for (const p of publishers) p.kill('SIGKILL');
  await browser?.close();
  await t?.stop();
});

async function stats(page: Page): Promise<{ frames: number; height: number; audio: number } | null> {
  return page.evaluate(async () => {
    const player = (window as unknown as { glintPlayer?: { whep: { pc: RTCPeerConnection } | null } }).glintPlayer;
    const pc = player?.whep?.pc;
    if (!pc) return null;
    let frames = 0;
    let height = 0;
    let audio = 0;
    (await pc.getStats()).forEach((r: Record<string, number | string>) => {
      if (r.type === 'inbound-rtp' && r.kind === 'video') {
        frames = Number(r.framesDecoded ?? 0);
        height = Number(r.frameHeight ?? 0);
      }
      if (r.type === 'inbound-rtp' && r.kind === 'audio') audio = Number(r.packetsReceived ?? 0);
    });
    return { frames, height, audio };
  });
}

describe.skipIf(!built)('RTMP → mediasoup SFU → WHEP', () => {
  it('plays video and audio on the watch page, and ends the viewer when the page leaves', async () => {
    expect(t.glint.sfu.engine).toBe('mediasoup');
    publishers.push(publish(t.rtmp('msfu')));
    await until(() => (t.glint.sfu.hasSource('msfu') ? true : undefined), {
      what: 'the RTMP channel to reach the SFU',
      timeoutMs: 15_000,
    });
    // Media flowing (its LL-HLS playlist is there), so the SFU's source knows its codecs before the page asks.
    await until(async () => ((await fetch(t.http('/live/msfu/index.m3u8'))).ok ? true : undefined), {
      what: 'the channel on LL-HLS',
      timeoutMs: 20_000,
    });
    const page = await browser.newPage();
    await page.goto(t.http('/watch/msfu?mode=webrtc'));
    let last: Awaited<ReturnType<typeof stats>> = null;
    // A wait for a state: the B-frame re-encoder and the Opus encoder start with the first viewer, slowly on a busy
    // machine (30 s ran out once with two suites side by side).
    const playing = await until(
      async () => {
        last = await stats(page);
        return last && last.frames >= 60 && last.height === 360 && last.audio >= 100 ? last : undefined;
      },
      {
        what: '2 s of 640x360 video and 2 s of audio through mediasoup',
        timeoutMs: 60_000,
        detail: () =>
          `viewer ${JSON.stringify(last)}; SFU viewers ${JSON.stringify(t.glint.sfu.subscribers('msfu'))}; keyframes ${JSON.stringify(t.glint.sfu.keyframeStats('msfu'))}`,
      },
    );
    expect(playing.frames).toBeGreaterThanOrEqual(60);
    expect(t.glint.sfu.subscribers('msfu')).toEqual([expect.objectContaining({ connected: true })]);
    // The page's own layer menu has nothing to offer: one layer.
    const layers = await fetch(t.http('/whep/msfu/layers'));
    expect(layers.status).toBeLessThan(500);
    await page.close();
    await until(() => (t.glint.sfu.subscriberCount('msfu') === 0 ? true : undefined), {
      what: 'the viewer to end when its page closed',
      timeoutMs: 20_000,
    });
  });
});
