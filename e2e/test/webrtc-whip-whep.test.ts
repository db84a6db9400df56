/**
 * WebRTC end to end: Chromium publishes its fake camera over WHIP, another Chromium page watches over WHEP through
 * the werift SFU. After a warm-up, the server must have carried video in every second of the window (exact) and the
 * viewer's own stats must show steady decoding, with a tolerance for the freezes a busy machine causes (printed).
 * Then OBS's WHIP request shape (POST with Bearer, DELETE to the relative Location) is replayed byte for byte in its
 * headers.
 */
import { randomBytes } from 'node:crypto';
import { type BlankOrigin, launchChromium, startBlankOrigin, until } from '@glint/testkit';
import { startWebrtcTestServer, type WebrtcTestServer } from '@glint/testkit/media-server';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type InboundVideoStats,
  publisherStats,
  publishFromPage,
  stopFromPage,
  viewerStats,
  viewFromPage,
} from '../support/webrtc-pages.ts';

const OBSERVE_SEC = 15;
/** Frames decoded before the window starts (3 s of the fake camera). */
const WARM_UP_FRAMES = 90;

let t: WebrtcTestServer;
let origin: BlankOrigin;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  t = await startWebrtcTestServer(['studio', 'obs']);
  origin = await startBlankOrigin();
  browser = await launchChromium({ webrtc: true });
  context = await browser.newContext();
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await t?.stop();
  await origin?.close();
});

describe('Chromium WHIP → werift SFU → Chromium WHEP', () => {
  it(`plays steadily for ${OBSERVE_SEC} s after a warm-up: video every second, > 15 fps, freezes under 3 s`, async () => {
    const studio = await context.newPage();
    await studio.goto(origin.url);
    const published = await publishFromPage(studio, t.url('/whip/studio'), t.keys.studio ?? '');
    expect(published.error ?? '').toBe('');
    expect(published.status).toBe(201);
    expect(published.location).toMatch(/^\/whip\/session\//);
    await until(() => (t.published[0]?.connectionState === 'connected' ? true : undefined), {
      what: 'the publisher to connect',
      timeoutMs: 15_000,
    });
    await until(() => ((t.published[0]?.stats().packets.video ?? 0) > 30 ? true : undefined), {
      what: 'video from the publisher',
      timeoutMs: 15_000,
    });

    const viewerPage = await context.newPage();
    await viewerPage.goto(origin.url);
    const viewed = await viewFromPage(viewerPage, t.url('/whep/studio'));
    expect(viewed.error ?? '').toBe('');
    expect(viewed.status).toBe(201);
    expect(t.sfu.subscriberCount('studio')).toBe(1);
    const first = await until(
      async () => {
        const s = await viewerStats(viewerPage);
        return s && s.framesDecoded > 0 && s.firstFrameMs !== null ? s : undefined;
      },
      { what: 'the first decoded frame' },
    );
    // Warm up: the viewer's jitter buffer and the publisher's bandwidth estimate settle over the first seconds.
    const warm = await until(
      async () => {
        const s = await viewerStats(viewerPage);
        return s && s.framesDecoded >= first.framesDecoded + WARM_UP_FRAMES ? s : undefined;
      },
      { what: 'three seconds of decoded frames', timeoutMs: 30_000 },
    );

    // Sample once a second over the window: a measurement period, not a wait for a state.
    const samples: InboundVideoStats[] = [warm];
    const packetsIn = () => t.published[0]?.stats().packets.video ?? 0;
    const packetsOut = () => t.sfu.subscribers('studio')[0]?.packetsSent ?? 0;
    const server = [{ in: packetsIn(), out: packetsOut() }];
    const endAt = Date.now() + OBSERVE_SEC * 1000;
    while (Date.now() < endAt) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const s = await viewerStats(viewerPage);
      if (s) samples.push(s);
      server.push({ in: packetsIn(), out: packetsOut() });
    }
    const last = samples.at(-1) as InboundVideoStats;
    const windowSec = (last.atMs - warm.atMs) / 1000;
    const decodedFps = (last.framesDecoded - warm.framesDecoded) / windowSec;
    const freezes = last.freezeCount - warm.freezeCount;
    const freezeSec = last.totalFreezesDurationSec - warm.totalFreezesDurationSec;
    const jitterMs = (1000 * last.jitterBufferDelaySec) / Math.max(1, last.jitterBufferEmittedCount);
    const perSecond = server.slice(1).map((n, i) => ({
      in: n.in - (server[i]?.in ?? n.in),
      out: n.out - (server[i]?.out ?? n.out),
    }));
    const sender = await publisherStats(studio);
    const publisher = t.published[0]?.stats();
    const report = {
      codec: last.codec,
      resolution: `${last.frameWidth}x${last.frameHeight}`,
      connectedMs: Math.round(last.connectedMs ?? -1),
      firstFrameMs: Math.round(last.firstFrameMs ?? -1),
      warmUpFrames: WARM_UP_FRAMES,
      framesDecoded: last.framesDecoded,
      decodedFps: Number(decodedFps.toFixed(1)),
      reportedFps: last.framesPerSecond,
      freezesInWindow: freezes,
      freezeSecInWindow: Number(freezeSec.toFixed(2)),
      freezesDuringWarmUp: warm.freezeCount,
      jitterBufferDelayMs: Number(jitterMs.toFixed(1)),
      packetsLost: last.packetsLost,
      audioPacketsReceived: last.audioPacketsReceived,
      viewerNacks: last.nackCount,
      viewerPlis: last.pliCount,
      publisherFps: sender?.framesPerSecond,
      publisherKeyframesEncoded: sender?.keyFramesEncoded,
      publisherPlisReceived: sender?.pliCount,
      publisherQualityLimitation: sender?.qualityLimitationReason,
      sfuKeyframeRequests: t.sfu.keyframeStats('studio'),
      publisherPacketsIn: publisher?.packets,
      sfuPacketsPerSecondVideoInToAllOut: perSecond.map((p) => `${p.in}→${p.out}`).join(' '),
    };
    console.log('WebRTC viewer report', JSON.stringify(report, null, 2));

    // The server's part, exactly: in every second of the window the publisher's video reached the SFU and the SFU
    // forwarded packets to the viewer.
    expect(perSecond.every((p) => p.in > 0 && p.out > 0)).toBe(true);
    // The browser's, with a tolerance a busy 2-core machine meets (two Chromium pages encode and decode 640x360).
    expect(decodedFps).toBeGreaterThan(15);
    // Freezes: under 3 s of the 15 (one of 2.3 s was seen with two suites side by side, the publisher's page as
    // starved as the viewer's); the report above prints them.
    expect(freezeSec).toBeLessThan(3);
    expect(last.codec).toContain('H264');
    expect(last.audioPacketsReceived - warm.audioPacketsReceived).toBeGreaterThan(OBSERVE_SEC * 25);

    // WHEP DELETE from the page, then WHIP DELETE: the channel is released.
    expect(await stopFromPage(viewerPage, 'viewer')).toBe(200);
    expect(t.sfu.subscriberCount('studio')).toBe(0);
    // WHIP DELETE carries the stream key, as the POST did (RFC 9725 §4.3).
    expect(await stopFromPage(studio, 'publisher')).toBe(200);
    expect(t.sfu.hasSource('studio')).toBe(false);
    await studio.close();
    await viewerPage.close();
  }, 120_000);
});

/** An offer shaped like OBS Studio's (libdatachannel): session-level ICE and DTLS attributes, Opus then H.264. */
function obsLikeOffer(): string {
  const fingerprint = [...randomBytes(32)].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');
  return [
    'v=0',
    `o=rtc ${randomBytes(4).readUInt32BE(0)} 0 IN IP4 127.0.0.1`,
    's=-',
    't=0 0',
    'a=group:BUNDLE 0 1',
    'a=group:LS 0 1',
    'a=msid-semantic:WMS *',
    'a=setup:actpass',
    `a=ice-ufrag:${randomBytes(3).toString('hex')}`,
    `a=ice-pwd:${randomBytes(12).toString('hex')}`,
    'a=ice-options:ice2,trickle',
    `a=fingerprint:sha-256 ${fingerprint}`,
    'm=audio 9 UDP/TLS/RTP/SAVPF 111',
    'c=IN IP4 0.0.0.0',
    'a=mid:0',
    'a=sendonly',
    'a=ssrc:1001 cname:obs',
    'a=msid:obs obs-audio',
    'a=rtcp-mux',
    'a=rtpmap:111 opus/48000/2',
    'a=fmtp:111 minptime=10;maxaveragebitrate=96000;stereo=1;sprop-stereo=1;useinbandfec=1',
    'm=video 9 UDP/TLS/RTP/SAVPF 96',
    'c=IN IP4 0.0.0.0',
    'a=mid:1',
    'a=sendonly',
    'a=ssrc:1002 cname:obs',
    'a=msid:obs obs-video',
    'a=rtcp-mux',
    'a=rtpmap:96 H264/90000',
    'a=rtcp-fb:96 nack',
    'a=rtcp-fb:96 nack pli',
    'a=rtcp-fb:96 goog-remb',
    'a=fmtp:96 profile-level-id=42e01f;packetization-mode=1;level-asymmetry-allowed=1',
    'a=candidate:1 1 UDP 2122317823 127.0.0.1 9 typ host',
    'a=end-of-candidates',
    '',
  ].join('\r\n');
}

describe("OBS's WHIP request shape", () => {
  it('POST with Bearer and application/sdp → 201 + relative Location; DELETE to it (resolved) → 200', async () => {
    const postUrl = t.url('/whip/obs');
    const headers = {
      'User-Agent': 'Mozilla/5.0 (OBS-Studio/31.0.0; Linux x86_64)',
      Accept: '*/*',
      'Content-Type': 'application/sdp',
      Authorization: `Bearer ${t.keys.obs}`,
    };
    const res = await fetch(postUrl, { method: 'POST', headers, body: obsLikeOffer() });
    const answer = await res.text();
    expect(res.status, answer).toBe(201);
    expect(res.headers.get('content-type')).toBe('application/sdp');
    expect(res.headers.get('etag')).toBeTruthy();
    const location = res.headers.get('location') ?? '';
    expect(location.startsWith('/whip/session/')).toBe(true);
    expect(answer).toMatch(/a=fmtp:96 .*profile-level-id=42e01f/);
    expect(answer).toContain('a=ice-lite');
    expect(t.sfu.hasSource('obs')).toBe(true);

    // OBS resolves the Location against the URL it POSTed to and sends DELETE with the same bearer.
    const resource = new URL(location, postUrl).href;
    const del = await fetch(resource, { method: 'DELETE', headers: { Authorization: headers.Authorization } });
    expect(del.status).toBe(200);
    expect(t.sfu.hasSource('obs')).toBe(false);
    expect((await fetch(resource, { method: 'DELETE' })).status).toBe(404);

    // The channel is free again for the next OBS session.
    const again = await fetch(postUrl, { method: 'POST', headers, body: obsLikeOffer() });
    expect(again.status).toBe(201);
    const againLocation = new URL(again.headers.get('location') ?? '', postUrl).href;
    expect((await fetch(againLocation, { method: 'DELETE' })).status).toBe(401);
    const againDeleted = await fetch(againLocation, {
      method: 'DELETE',
      headers: { Authorization: headers.Authorization },
    });
    expect(againDeleted.status).toBe(200);
  });
});
