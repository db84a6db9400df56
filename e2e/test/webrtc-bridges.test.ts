/**
 * Every channel is watchable both ways: an RTMP channel (H.264 with B-frames, AAC) over WHEP in Chromium, and a
 * WHIP channel (Chromium's camera) over LL-HLS in hls.js. Both through the whole Glint server and its watch page.
 *
 * Each test asserts apart what the server controls (packets forwarded every second; LL-HLS parts that keep coming,
 * no segment completed a frame after the part before its last, blocking reloads answered as soon as their part
 * exists) and what the browser made of it on this machine, judged after a warm-up: frames decoded and freezes with a
 * tolerance a busy 2-core machine meets, and for hls.js no stall the machine does not explain (a starved page or a
 * paused source). Every figure is printed.
 */

import { weriftOf } from '@glint/media-server';
import { type BlankOrigin, launchChromium, type Publisher, publish, startBlankOrigin, until } from '@glint/testkit';
import { startGlint, type TestGlint } from '@glint/testkit/media-server';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multivariant } from '../support/llhls-client.ts';
import { followBlockingReloads, PackagerTimeline, quantile } from '../support/llhls-timeline.ts';
import { describePlayback, installProbe, observePlayback } from '../support/player-probe.ts';
import { describeVerdicts, judgeStalls, paceToleranceSec, watchEventLoop } from '../support/stall-judge.ts';
import { publishFromPage, viewerStats, viewFromPage } from '../support/webrtc-pages.ts';

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

const WARM_UP_FRAMES = 90;
const OBSERVE_SEC = 15;

describe('RTMP → WebRTC', () => {
  it(`plays an RTMP channel with B-frames over WHEP in Chromium for ${OBSERVE_SEC} s without freezing`, async () => {
    publishers.push(publish(t.rtmp('rtmpch')));
    await until(() => (t.glint.hub.isLive('rtmpch') ? true : undefined), {
      what: 'the RTMP channel to be live',
      timeoutMs: 15_000,
    });
    const page = await browser.newPage();
    const started = Date.now();
    await page.goto(t.http('/watch/rtmpch?mode=webrtc'));
    const first = await until(
      async () => {
        const s = await webrtcStats(page);
        return s && s.framesDecoded > 0 ? s : undefined;
      },
      { what: 'the first decoded frame', timeoutMs: 20_000 },
    );
    const firstFrameMs = Date.now() - started;
    expect(t.glint.sfu.subscriberCount('rtmpch')).toBe(1);
    // Warm up: the re-encoder and the jitter buffer settle over the first seconds; judge from then on.
    const warm = await until(
      async () => {
        const s = await webrtcStats(page);
        return s && s.framesDecoded >= first.framesDecoded + WARM_UP_FRAMES ? s : undefined;
      },
      { what: 'three seconds of decoded frames', timeoutMs: 30_000 },
    );
    const packetsSent = () => weriftOf(t.glint.sfu).subscribers('rtmpch')[0]?.packetsSent ?? 0;
    const forwarded: number[] = [packetsSent()];
    const windowStart = performance.now();
    // One sample a second over the window: a measurement period, not a wait for a state.
    for (let i = 0; i < OBSERVE_SEC; i++) {
      await page.waitForTimeout(1000);
      forwarded.push(packetsSent());
    }
    const windowSec = (performance.now() - windowStart) / 1000;
    const last = await webrtcStats(page);
    if (!last) throw new Error('no stats');
    const fps = (last.framesDecoded - warm.framesDecoded) / windowSec;
    const freezes = last.freezeCount - warm.freezeCount;
    const freezeSec = last.totalFreezesDuration - warm.totalFreezesDuration;
    const perSecond = forwarded.slice(1).map((n, i) => n - (forwarded[i] ?? n));
    const shown = await page.textContent('#latency');
    console.log(
      `[RTMP → WHEP] ${last.codec}; first frame ${firstFrameMs} ms after page load; after ${WARM_UP_FRAMES} frames of ` +
        `warm-up: ${fps.toFixed(1)} fps decoded over ${windowSec.toFixed(1)} s, freezes ${freezes} ` +
        `(${freezeSec.toFixed(2)} s; ${warm.freezeCount} during the warm-up); jitter buffer ${last.jitterBufferMs.toFixed(0)} ms; ` +
        `server forwarded ${Math.min(...perSecond)}-${Math.max(...perSecond)} packets/s; audio packets ${last.audioPackets}; ` +
        `page shows ${shown}`,
    );
    // The server's part, exactly: packets went to the viewer in every second of the window.
    expect(perSecond.every((n) => n > 0)).toBe(true);
    // The browser's, with what a busy 2-core machine (ffmpeg encoding, x264 re-encoding, Chromium decoding) allows.
    expect(fps).toBeGreaterThan(20);
    // Freezes in total over 15 s: up to 1.1 s seen with a second full suite running beside this one.
    expect(freezeSec).toBeLessThan(2);
    expect(last.audioPackets - warm.audioPackets).toBeGreaterThan(OBSERVE_SEC * 25);
    expect(shown).toMatch(/^\d+\.\d\d s$/);
    await page.close();
    await until(() => (t.glint.sfu.subscriberCount('rtmpch') === 0 ? true : undefined), {
      what: 'the viewer to be released',
      timeoutMs: 20_000,
    });
  }, 120_000);
});

describe('WHIP → LL-HLS', () => {
  it(`plays a WHIP channel (Chromium camera, Opus) in hls.js for ${OBSERVE_SEC} s with no stall, a WHEP viewer watching too`, async () => {
    const studio = await browser.newPage();
    await studio.goto(blank.url);
    const session = await publishFromPage(studio, t.http('/whip/whipch'), t.keys.whipch ?? '');
    expect(session.status).toBe(201);
    const packager = await until(() => t.glint.outputs.get('whipch')?.packager, {
      what: 'an LL-HLS output for the WHIP channel',
      timeoutMs: 15_000,
    });
    const timeline = new PackagerTimeline(packager);
    const mv = await until(
      async () => {
        const res = await fetch(t.http('/live/whipch/index.m3u8'));
        return res.ok ? multivariant(t.http('/live/whipch/index.m3u8')) : undefined;
      },
      { what: 'the WHIP channel on LL-HLS', timeoutMs: 20_000 },
    );
    expect(mv.variants[0]?.codecs).toMatch(/^avc1\.[0-9a-f]{6},opus$/);
    // As reported in issue 15: the stalls were worse with a WebRTC viewer of the same channel watching.
    const whep = await browser.newPage();
    await whep.goto(blank.url);
    expect((await viewFromPage(whep, t.http('/whep/whipch'))).status).toBe(201);
    await until(async () => ((await viewerStats(whep))?.framesDecoded ?? 0) > 0, {
      what: 'the WHEP viewer to decode',
      timeoutMs: 20_000,
    });
    const viewer = await browser.newPage();
    await installProbe(viewer);
    await viewer.goto(t.http('/watch/whipch'));
    // A player-like client beside the browser times the server's blocking reloads over the same window.
    let observing = true;
    const loop = watchEventLoop();
    const reloads = followBlockingReloads(t.http('/live/whipch/video/index.m3u8'), timeline, 'video', () => !observing);
    const report = await observePlayback(viewer, OBSERVE_SEC);
    const windowEnd = performance.now();
    observing = false;
    const loopDelay = loop.stop();
    const blocking = await reloads;
    timeline.stop();
    const verdicts = judgeStalls(report, timeline);
    // WHIP frames come on the capture clock (50–60 ms apart when the camera is starved), so a last part that could
    // not take one more frame may be 0.13–0.15 s; a part cut short by a late keyframe is 1–3 frames (≤ 0.1 s).
    const early = timeline.earlyCompletions(0.1);
    const waits = ['video', 'audio'].map(
      (r) => `${r} ${Math.round(timeline.longestWaitMs(r, report.windowStartedAtMs, windowEnd))} ms`,
    );
    const tooLong = timeline.parts.filter((p) => p.durationSec > 0.2 + 1e-6).map((p) => p.durationSec);
    console.log(
      `${describePlayback('WHIP → LL-HLS → hls.js', report)}\n  ${mv.variants[0]?.codecs}; ${describeVerdicts(verdicts)}; ` +
        `server: ${timeline.segments.length} segments (${timeline.segments.map((s) => s.partSec.reduce((a, b) => a + b, 0).toFixed(2)).join(' ')} s), ` +
        `longest wait for a part ${waits.join(', ')}, parts over PART-TARGET ${tooLong.length} (up to ${Math.max(0, ...tooLong).toFixed(3)} s)` +
        `; blocking reloads that waited ${blocking.blocked}, answered p50 ${quantile(blocking.latencyMs, 0.5).toFixed(1)} ms, ` +
        `p95 ${quantile(blocking.latencyMs, 0.95).toFixed(1)} ms, max ${Math.max(0, ...blocking.latencyMs).toFixed(1)} ms ` +
        `(this process's event loop delayed p95 ${loopDelay.p95Ms.toFixed(1)} ms, max ${loopDelay.maxMs.toFixed(1)} ms)`,
    );
    // The server's part: no segment completed a frame after the part before its last (hls.js skips such a last part
    // and stalls), parts kept coming, and a blocking reload was answered as soon as its part existed (within one part
    // target for 95% of them, plus the worst delay of the event loop that answers them: a starved machine's share).
    expect(early).toEqual([]);
    expect(timeline.partsBetween('video', report.windowStartedAtMs, windowEnd).length).toBeGreaterThan(OBSERVE_SEC * 3);
    expect(blocking.failures).toEqual([]);
    expect(blocking.blocked).toBeGreaterThan(OBSERVE_SEC);
    expect(quantile(blocking.latencyMs, 0.95)).toBeLessThan(200 + loopDelay.maxMs);
    // The browser's: at most one stall that a starved page or a paused source does not explain (the tolerance of
    // rtmp-llhls's hls.js test: two suites side by side on 2 cores gave one here too; each is printed above).
    expect(report.fatalErrors).toEqual([]);
    expect(verdicts.filter((v) => v.cause === 'unexplained').length).toBeLessThanOrEqual(1);
    // Without any stall, playback kept pace with the clock (hls.js plays up to 1.5x to catch up, never slower).
    if (verdicts.length === 0) expect(report.playedSec).toBeGreaterThan(report.wallSec - paceToleranceSec(report));
    await viewer.close();
    await whep.close();
    await studio.close();
  }, 150_000);
});
