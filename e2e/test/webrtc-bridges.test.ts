/**
 * Every channel is watchable both ways: an RTMP channel (H.264 with B-frames, AAC) over WHEP in Chromium, and a
 * WHIP channel (Chromium's camera) over LL-HLS in hls.js. Both through the whole Glint server and its watch page.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { startGlint, type TestGlint } from '../support/glint.ts';
import { multivariant } from '../support/llhls-client.ts';
import { installProbe, median, observePlayback } from '../support/player-probe.ts';
import { type Publisher, publish, waitFor } from '../support/publisher.ts';
import { type BlankOrigin, startBlankOrigin } from '../support/webrtc-harness.ts';
import { publishFromPage } from '../support/webrtc-pages.ts';

let t: TestGlint;
let browser: Browser;
let blank: BlankOrigin;
const publishers: Publisher[] = [];

beforeAll(async () => {
  t = await startGlint(['rtmpch', 'whipch']);
  browser = await launchChromium({ webrtc: true });
  blank = await startBlankOrigin();
}, 60_000);

afterAll(async () => {
  for (const p of publishers) p.kill('SIGKILL');
  await browser?.close();
  await blank?.close();
  await t?.stop();
});

interface WatchStats {
  framesDecoded: number;
  freezeCount: number;
  totalFreezesDuration: number;
  framesPerSecond: number;
  jitterBufferMs: number;
  audioPackets: number;
  codec: string;
}

async function webrtcStats(page: Page): Promise<WatchStats | null> {
  return page.evaluate(async () => {
    const player = (window as unknown as { glintPlayer?: { whep: { pc: RTCPeerConnection } | null } }).glintPlayer;
    const pc = player?.whep?.pc;
    if (!pc) return null;
    let video: Record<string, number | string> | undefined;
    let audioPackets = 0;
    const codecs = new Map<string, string>();
    (await pc.getStats()).forEach((r: Record<string, number | string>) => {
      if (r.type === 'inbound-rtp' && r.kind === 'video') video = r;
      if (r.type === 'inbound-rtp' && r.kind === 'audio') audioPackets = Number(r.packetsReceived ?? 0);
      if (r.type === 'codec') codecs.set(String(r.id), `${r.mimeType} ${r.sdpFmtpLine ?? ''}`);
    });
    if (!video) return null;
    const n = (k: string) => Number(video?.[k] ?? 0);
    return {
      framesDecoded: n('framesDecoded'),
      freezeCount: n('freezeCount'),
      totalFreezesDuration: n('totalFreezesDuration'),
      framesPerSecond: n('framesPerSecond'),
      jitterBufferMs:
        n('jitterBufferEmittedCount') > 0 ? (1000 * n('jitterBufferDelay')) / n('jitterBufferEmittedCount') : 0,
      audioPackets,
      codec: codecs.get(String(video.codecId)) ?? '?',
    };
  });
}

describe('RTMP → WebRTC', () => {
  it('plays an RTMP channel with B-frames over WHEP in Chromium for 15 s without freezing', async () => {
    publishers.push(publish(t.rtmp('rtmpch')));
    await waitFor('the RTMP channel to be live', () => (t.glint.hub.isLive('rtmpch') ? true : undefined));
    const page = await browser.newPage();
    const started = Date.now();
    await page.goto(t.http('/watch/rtmpch?mode=webrtc'));
    const first = await waitFor(
      'the first decoded frame',
      async () => {
        const s = await webrtcStats(page);
        return s && s.framesDecoded > 0 ? s : undefined;
      },
      20_000,
    );
    const firstFrameMs = Date.now() - started;
    expect(t.glint.sfu.subscriberCount('rtmpch')).toBe(1);
    await page.waitForTimeout(15_000);
    const last = await webrtcStats(page);
    if (!last) throw new Error('no stats');
    const fps = (last.framesDecoded - first.framesDecoded) / 15;
    const shown = await page.textContent('#latency');
    console.log(
      `[RTMP → WHEP] ${last.codec}; first frame ${firstFrameMs} ms after page load; ${fps.toFixed(1)} fps decoded over 15 s; ` +
        `freezes ${last.freezeCount} (${last.totalFreezesDuration.toFixed(2)} s); jitter buffer ${last.jitterBufferMs.toFixed(0)} ms; ` +
        `audio packets ${last.audioPackets}; page shows ${shown}`,
    );
    expect(fps).toBeGreaterThan(25);
    expect(last.freezeCount).toBe(0);
    expect(last.audioPackets).toBeGreaterThan(500);
    expect(shown).toMatch(/^\d+\.\d\d s$/);
    await page.close();
    await waitFor(
      'the viewer to be released',
      () => (t.glint.sfu.subscriberCount('rtmpch') === 0 ? true : undefined),
      20_000,
    );
  }, 90_000);
});

describe('WHIP → LL-HLS', () => {
  it('plays a WHIP channel (Chromium camera, Opus) in hls.js for 15 s with no stall', async () => {
    const studio = await browser.newPage();
    await studio.goto(blank.url);
    const session = await publishFromPage(studio, t.http('/whip/whipch'), t.keys.whipch ?? '');
    expect(session.status).toBe(201);
    const mv = await waitFor(
      'the WHIP channel on LL-HLS',
      async () => {
        const res = await fetch(t.http('/live/whipch/index.m3u8'));
        return res.ok ? multivariant(t.http('/live/whipch/index.m3u8')) : undefined;
      },
      20_000,
    );
    expect(mv.variants[0]?.codecs).toMatch(/^avc1\.[0-9a-f]{6},opus$/);
    const viewer = await browser.newPage();
    await installProbe(viewer);
    await viewer.goto(t.http('/watch/whipch'));
    const report = await observePlayback(viewer, 15);
    console.log(
      `[WHIP → LL-HLS → hls.js] ${mv.variants[0]?.codecs}; played ${report.playedSec.toFixed(2)} s in ${report.wallSec.toFixed(2)} s; ` +
        `stalls ${report.stalls}; hls.js latency median ${median(report.latencySec).toFixed(3)} s`,
    );
    expect(report.fatalErrors).toEqual([]);
    expect(report.stalls).toBe(0);
    expect(report.playedSec).toBeGreaterThan(report.wallSec - 0.5);
    await viewer.close();
    await studio.close();
  }, 90_000);
});
