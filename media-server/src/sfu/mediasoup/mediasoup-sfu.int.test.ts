/**
 * The mediasoup engine in Chromium: a channel's source (a real x264 encode replayed in real time through
 * StreamRtpSource, as an RTMP stream is) forwarded by mediasoup's C++ worker to WHEP viewers. Needs the worker built
 * into the cache (`npm run sfu:build-mediasoup`); without it the suite says so and is skipped.
 */
import { launchChromium, until } from '@glint/testkit';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { applyAnswer, type InboundVideo, inboundVideo, viewerOffer } from '../../../test/chromium-viewer.ts';
import { encodeLadder, replay } from '../../../test/ladder-media.ts';
import { StreamRtpSource } from '../../adapters/stream-rtp-source.ts';
import type { MediaEvent } from '../../protocols/flv/types.ts';
import { LiveStream } from '../../stream/live-stream.ts';
import { MediasoupSfu } from './mediasoup-sfu.ts';
import { loadMediasoup, mediasoupCacheDir, readyMediasoup } from './worker-cache.ts';

const build = readyMediasoup();
if (!build) console.warn(`mediasoup engine tests skipped: no worker built in ${mediasoupCacheDir()}`);

let clip: MediaEvent[];
let browser: Browser;
const cleanups: Array<() => unknown> = [];

beforeAll(async () => {
  if (!build) return;
  const [clips, chromium] = await Promise.all([
    encodeLadder([{ name: 'source', width: 640, height: 360, bitrateKbps: 1200 }], 10),
    launchChromium({ webrtc: true }),
  ]);
  clip = clips.get('source') ?? [];
  browser = chromium;
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function channel(workers: number) {
  if (!build) throw new Error('no mediasoup build');
  const stream = new LiveStream('ch', 'pipe', Date.now(), (error) => {
    throw error;
  });
  const errors: unknown[] = [];
  const source = new StreamRtpSource(stream, { bframes: 'passthrough', onError: (e) => errors.push(e) });
  const player = replay([{ stream, events: clip }]);
  const sfu = await MediasoupSfu.start({
    mediasoup: loadMediasoup(build),
    workerBin: build.workerBin,
    workers,
    keyframeIntervalMs: 300,
  });
  sfu.addSource(source);
  cleanups.push(
    () => player.stop(),
    () => sfu.close(),
    () => source.close(),
  );
  return { sfu, source, errors };
}

/** A Chromium viewer: its offer (audio too when asked) to the SFU, the answer back. */
async function view(
  sfu: MediasoupSfu,
  audio = false,
): Promise<{ page: Page; id: string; offer: string; answer: string }> {
  const { page, offer } = await viewerOffer(browser, { audio });
  cleanups.push(() => page.close());
  const { id, answer } = await sfu.subscribe('ch', { sdp: offer });
  await applyAnswer(page, answer.sdp);
  return { page, id, offer, answer: answer.sdp };
}

async function plays(page: Page, frames: number): Promise<InboundVideo> {
  return until(
    async () => {
      const s = await inboundVideo(page);
      return s && s.frameHeight === 360 && s.framesDecoded >= frames ? s : undefined;
    },
    { what: `${frames} frames of 640x360 decoded`, timeoutMs: 30_000 },
  );
}

describe.skipIf(!build)('SFU on mediasoup', { timeout: 60_000 }, () => {
  it('forwards the source to a Chromium viewer, with the payload types of its offer', async () => {
    const { sfu, errors } = await channel(1);
    const { page, offer, answer } = await view(sfu);
    const answeredPt = /^m=video 9 UDP\/TLS\/RTP\/SAVPF (\d+)/m.exec(answer)?.[1];
    expect(answeredPt).toBeDefined();
    // The answer's H.264 is one the viewer offered, under the same number.
    expect(offer).toMatch(new RegExp(`^a=rtpmap:${answeredPt} H264/90000`, 'm'));
    expect(answer).toMatch(/^a=ice-lite/m);
    const first = await plays(page, 30);
    const later = await plays(page, first.framesDecoded + 90);
    // A busy machine (two suites side by side) may stall Chromium once; a broken forward freezes for good.
    expect(later.freezeCount).toBeLessThanOrEqual(1);
    expect(later.totalFreezesDuration).toBeLessThan(1);
    expect(sfu.subscribers('ch')).toEqual([expect.objectContaining({ connected: true })]);
    expect(sfu.keyframeStats('ch')?.sent).toBeGreaterThanOrEqual(1);
    expect(errors).toEqual([]);
  });

  it('spreads viewers over two workers, the source piped to each, and ends them when the source goes', async () => {
    const { sfu, source } = await channel(2);
    const viewers = await Promise.all([view(sfu), view(sfu, true), view(sfu)]);
    for (const v of viewers) await plays(v.page, 30);
    expect(sfu.subscriberCount('ch')).toBe(3);
    await sfu.unsubscribe(viewers[0]?.id ?? '');
    expect(sfu.subscriberCount('ch')).toBe(2);
    source.close();
    await until(() => sfu.subscriberCount() === 0 || undefined, {
      what: 'viewers ended with the source',
      timeoutMs: 5000,
    });
    expect(sfu.hasSource('ch')).toBe(false);
  });

  it('survives a worker killed under it: its viewers end, a new worker starts, the next viewer plays', async () => {
    const { sfu } = await channel(2);
    const first = await view(sfu);
    await plays(first.page, 30);
    const [dead] = sfu.workerPids;
    process.kill(dead ?? 0, 'SIGKILL');
    await until(() => (sfu.subscriberCount('ch') === 0 ? true : undefined), {
      what: 'the viewer on the killed worker to end',
      timeoutMs: 10_000,
    });
    await until(() => (sfu.workerPids.length === 2 && !sfu.workerPids.includes(dead ?? 0) ? true : undefined), {
      what: 'a new worker in place of the killed one',
      timeoutMs: 10_000,
    });
    const next = await view(sfu);
    await plays(next.page, 30);
    expect(await sfu.unsubscribe(first.id)).toBe(true);
  });

  it('refuses an offer without H.264 and one that is not bundled, opening nothing', async () => {
    const { sfu } = await channel(1);
    const { offer } = await view(sfu);
    const vp8Only = offer.replace(/^a=rtpmap:(\d+) H264\/90000$/gm, 'a=rtpmap:$1 VP8/90000');
    await expect(sfu.subscribe('ch', { sdp: vp8Only })).rejects.toThrow(/H\.264/);
    await expect(sfu.subscribe('ch', { sdp: offer.replace(/^a=group:BUNDLE.*\r?\n/m, '') })).rejects.toThrow(/BUNDLE/);
    expect(sfu.subscriberCount('ch')).toBe(1);
  });

  it('bounds the payload-type numberings a channel serves (a router each per worker)', async () => {
    const { sfu } = await channel(1);
    const { offer, answer } = await view(sfu);
    const pt = Number(/^m=video 9 UDP\/TLS\/RTP\/SAVPF (\d+)/m.exec(answer)?.[1]);
    const used = new Set((/^m=video \S+ \S+ (.*)$/m.exec(offer)?.[1] ?? '').trim().split(' ').map(Number));
    const renumber = (to: number) =>
      offer
        .replace(
          /^(m=video \S+ \S+ )(.*)$/m,
          (_, head: string, pts: string) =>
            head +
            pts
              .split(' ')
              .map((p) => (Number(p) === pt ? String(to) : p))
              .join(' '),
        )
        .replace(new RegExp(`^a=(rtpmap|fmtp|rtcp-fb):${pt} `, 'gm'), `a=$1:${to} `)
        .replace(new RegExp(`apt=${pt}\\b`, 'g'), `apt=${to}`);
    const free = Array.from({ length: 93 }, (_, i) => 35 + i).filter((n) => !used.has(n));
    // The first viewer's numbering is one; 15 more are taken, the 17th is refused with a reason.
    for (const to of free.slice(0, 15)) await sfu.subscribe('ch', { sdp: renumber(to) });
    await expect(sfu.subscribe('ch', { sdp: renumber(free[15] ?? 0) })).rejects.toMatchObject({
      code: 'TOO_MANY_NUMBERINGS',
    });
    // A numbering already in use still gets in.
    await sfu.subscribe('ch', { sdp: renumber(free[0] ?? 0) });
    expect(sfu.subscriberCount('ch')).toBe(17);
  });
});
