/**
 * The transcoding ladder as layers for WebRTC viewers, in Chromium: a channel whose source (640×360) has two rungs
 * (426×240, 256×144), made by ffmpeg from one picture with keyframes at the same times (as the ladder's contract
 * says). The viewer starts on the source; then (1) its manual pick moves it to a lower layer at the layer's next
 * keyframe with no freeze; (2) on a clean link it stays on the source once its REMB comes, and when the link is
 * capped under the source's rate (a rate-limiting UDP relay in front of it) its REMB falls and the selector moves it
 * down: the picture size changes and it plays on without a freeze (the freeze before the switch is the capped link's,
 * reported, not judged: Chromium's REMB took 4–8 s to fall here).
 */
import { launchChromium, until } from '@glint/testkit';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { applyAnswer, type InboundVideo, inboundVideo, viewerOffer } from '../../test/chromium-viewer.ts';
import { encodeLadder, replay } from '../../test/ladder-media.ts';
import { type RateLimitRelay, startRateLimitRelay } from '../../test/rate-limit-relay.ts';
import { StreamRtpSource } from '../adapters/stream-rtp-source.ts';
import type { MediaEvent } from '../protocols/flv/types.ts';
import { LiveStream } from '../stream/live-stream.ts';
import { Ladder, parseLadderSpec } from '../transcode/ladder/index.ts';
import type { ChannelLadder, LadderRung } from '../transcode/ladder/types.ts';
import { WeriftSfu } from './werift-sfu.ts';

const SPECS = [
  { name: 'source', width: 640, height: 360, bitrateKbps: 1200 },
  { name: '240p', width: 426, height: 240, bitrateKbps: 450 },
  { name: '144p', width: 256, height: 144, bitrateKbps: 150 },
] as const;

const CAP_KBPS = 1000;
/** The capped link's queue (tail drop beyond it). */
const QUEUE_MS = 1000;

let clips: Map<string, MediaEvent[]>;
let browser: Browser;
const cleanups: Array<() => unknown> = [];

beforeAll(async () => {
  [clips, browser] = await Promise.all([encodeLadder(SPECS, 10), launchChromium({ webrtc: true })]);
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function channel() {
  const onReaderError = (error: unknown) => {
    throw error;
  };
  const stream = new LiveStream('ch', 'pipe', Date.now(), onReaderError);
  const rungs: LadderRung[] = SPECS.slice(1).map((s) => ({
    name: s.name,
    width: s.width,
    height: s.height,
    fps: 30,
    bitrateKbps: s.bitrateKbps,
    stream: new LiveStream('ch', 'pipe', Date.now(), onReaderError),
  }));
  const ladder: ChannelLadder = {
    channelId: 'ch',
    rungs: () => rungs,
    planned: () => rungs.map((r) => r.name),
    onRung: () => () => {},
  };
  const errors: unknown[] = [];
  const source = new StreamRtpSource(stream, { ladder, bframes: 'passthrough', onError: (e) => errors.push(e) });
  const player = replay([
    { stream, events: clips.get('source') ?? [] },
    ...rungs.map((r) => ({ stream: r.stream, events: clips.get(r.name) ?? [] })),
  ]);
  const sfu = new WeriftSfu({ keyframeIntervalMs: 300 });
  sfu.addSource(source);
  cleanups.push(
    () => player.stop(),
    () => sfu.close(),
    () => source.close(),
  );
  return { sfu, source, errors };
}

type Stats = InboundVideo;
const stats = inboundVideo;

/** A Chromium viewer (video only) answered by the SFU directly, optionally through a relay on the answer's port. */
async function view(
  sfu: WeriftSfu,
  options: { layer?: string; relay?: boolean } = {},
): Promise<{ page: Page; id: string; relay: RateLimitRelay | null }> {
  const { page, offer } = await viewerOffer(browser);
  cleanups.push(() => page.close());
  const { id, answer } = await sfu.subscribe('ch', { sdp: offer }, options.layer ? { layer: options.layer } : {});
  let sdp = answer.sdp;
  let relay: RateLimitRelay | null = null;
  if (options.relay) {
    const m = /a=candidate:\S+ 1 udp \d+ (127\.0\.0\.1) (\d+) typ host/.exec(sdp);
    if (!m) throw new Error(`no loopback candidate in the answer:\n${sdp}`);
    relay = await startRateLimitRelay({ address: '127.0.0.1', port: Number(m[2]) });
    const r = relay;
    cleanups.push(() => r.close());
    sdp = sdp.replaceAll(` 127.0.0.1 ${m[2]} typ host`, ` 127.0.0.1 ${relay.port} typ host`);
  }
  expect(sdp).toMatch(/a=rtcp-fb:\d+ goog-remb/);
  await applyAnswer(page, sdp);
  return { page, id, relay };
}

async function waitForHeight(page: Page, height: number, what: string, timeoutMs = 20_000): Promise<Stats> {
  return until(
    async () => {
      const s = await stats(page);
      return s && s.frameHeight === height && s.framesDecoded > 0 ? s : undefined;
    },
    { what, timeoutMs },
  );
}

/** The source alone, its rungs made by the channel ladder (one real ffmpeg). */
function channelWithLadder() {
  const stream = new LiveStream('ch', 'pipe', Date.now(), (error) => {
    throw error;
  });
  const ladder = new Ladder({ source: stream, spec: parseLadderSpec('240p30:450') });
  const errors: unknown[] = [];
  const source = new StreamRtpSource(stream, { ladder, bframes: 'passthrough', onError: (e) => errors.push(e) });
  const player = replay([{ stream, events: clips.get('source') ?? [] }]);
  const sfu = new WeriftSfu({ keyframeIntervalMs: 300 });
  sfu.addSource(source);
  cleanups.push(
    () => player.stop(),
    () => sfu.close(),
    () => source.close(),
    () => ladder.close(),
  );
  return { sfu, errors };
}

describe('video layers for WebRTC viewers', () => {
  it('with the real ladder: a rung appears as a layer and a viewer pinned to it plays it without a freeze', async () => {
    const { sfu, errors } = channelWithLadder();
    await until(() => sfu.videoLayers('ch').some((l) => l.id === '240p'), {
      what: "the ladder's 240p rung as a layer",
      timeoutMs: 20_000,
    });
    const { page, id } = await view(sfu, { layer: '240p' });
    const first = await waitForHeight(page, 240, 'the 240p rung decoded');
    await until(async () => ((await stats(page))?.framesDecoded ?? 0) > first.framesDecoded + 60, {
      what: '2 s of 240p frames',
      timeoutMs: 15_000,
    });
    const after = await stats(page);
    console.log(
      `[layers] real ladder, viewer pinned to 240p: ${after?.framesDecoded} frames at ${after?.frameHeight} lines, ` +
        `freezes ${after?.freezeCount} (${first.freezeCount} before the first 240p frame); layers ${JSON.stringify(sfu.videoLayers('ch'))}`,
    );
    expect(sfu.viewerLayer(id)).toMatchObject({ current: '240p', switches: 0 });
    // Counted from the first frame shown: a start-up hiccup on a busy machine is not the layer's.
    expect((after?.freezeCount ?? 1) - first.freezeCount).toBe(0);
    expect(errors).toEqual([]);
  }, 60_000);

  it('starts on the source and moves to a picked layer at its keyframe, with no freeze', async () => {
    const { sfu, errors } = channel();
    const { page, id } = await view(sfu);
    const start = await waitForHeight(page, 360, 'the source layer (360 lines) decoded');
    expect(sfu.viewerLayer(id)).toMatchObject({ current: 'source' });
    expect(sfu.videoLayers('ch').map((l) => `${l.id} ${l.width}x${l.height}`)).toEqual([
      'source 640x360',
      '240p 426x240',
      '144p 256x144',
    ]);
    // A second of the source first, so freezes counted from the pick are the switch's, not the start's.
    await until(async () => ((await stats(page))?.framesDecoded ?? 0) > start.framesDecoded + 30, {
      what: '30 frames of the source',
      timeoutMs: 10_000,
    });
    const atPick = (await stats(page)) ?? start;
    const t0 = performance.now();
    expect(sfu.setViewerLayer(id, '144p')).toBe(true);
    const low = await waitForHeight(page, 144, 'the 144p layer decoded');
    const switchMs = performance.now() - t0;
    // Some frames on the new layer, then the freezes are counted.
    await until(async () => ((await stats(page))?.framesDecoded ?? 0) > low.framesDecoded + 45, {
      what: '45 frames on 144p',
      timeoutMs: 10_000,
    });
    expect(sfu.setViewerLayer(id, null)).toBe(true);
    const after = await stats(page);
    console.log(
      `[layers] manual source → 144p: picture changed ${switchMs.toFixed(0)} ms after the pick (keyframes every 1 s); ` +
        `freezes ${after?.freezeCount} (${after?.totalFreezesDuration.toFixed(2)} s) over ${after?.framesDecoded} frames ` +
        `(${atPick.framesDecoded} before the switch, freezes then ${atPick.freezeCount}); layer ${JSON.stringify(sfu.viewerLayer(id))}`,
    );
    expect((after?.freezeCount ?? 1) - atPick.freezeCount).toBe(0);
    expect(sfu.viewerLayer(id)?.switches).toBe(1);
    expect(errors).toEqual([]);
  }, 60_000);

  it('moves a viewer down when its link is capped (its REMB falls), at a keyframe, and it plays on', async () => {
    const { sfu, errors } = channel();
    // Pinned to the source (as `?layer=source` does) until its estimator runs: on a busy machine Chromium's REMB on
    // a clean loopback link can dip under the source's rate by itself, and this test is about the capped link.
    const { page, id, relay } = await view(sfu, { relay: true, layer: 'source' });
    if (!relay) throw new Error('no relay');
    await waitForHeight(page, 360, 'the source layer (360 lines) decoded');
    const trace: string[] = [];
    let t0 = performance.now();
    const sample = () => {
      const l = sfu.viewerLayer(id);
      const entry = `${l?.current}/${l?.target ?? '-'} ${Math.round(l?.estimateKbps ?? 0)}`;
      if (!trace.at(-1)?.endsWith(entry)) trace.push(`${((performance.now() - t0) / 1000).toFixed(1)}s ${entry}`);
    };
    // Chromium sends its first REMB once its estimator has measured for ~5 s.
    const first = await until(() => (sfu.viewerLayer(id)?.estimateKbps ? sfu.viewerLayer(id) : undefined), {
      what: "the viewer's first REMB",
      timeoutMs: 15_000,
      intervalMs: 100,
    });
    await page.waitForTimeout(3000);
    sample();
    const layers = sfu.videoLayers('ch').map((l) => `${l.id} ${l.bitrateKbps}`);
    console.log(`[layers] clean link (kbit/s: ${layers.join(', ')}): ${trace.join(' → ')}`);
    expect(first?.current).toBe('source');
    // Then the link is capped under the source's rate (but over 240p's, with headroom), the choice automatic again.
    trace.length = 0;
    const before = await stats(page);
    relay.setRateKbps(CAP_KBPS, QUEUE_MS);
    sfu.setViewerLayer(id, null);
    t0 = performance.now();
    let serverMs = 0;
    let down: Stats | undefined;
    try {
      down = await until(
        async () => {
          sample();
          if (!serverMs && sfu.viewerLayer(id)?.current !== 'source') serverMs = performance.now() - t0;
          const s = await stats(page);
          return s && s.frameHeight > 0 && s.frameHeight < 360 ? s : undefined;
        },
        { what: 'a lower layer decoded after the cap', timeoutMs: 25_000, intervalMs: 50 },
      );
    } finally {
      console.log(`[layers] capped link, layer/target estimate: ${trace.join(' → ')}`);
    }
    const viewerMs = performance.now() - t0;
    if (!down) throw new Error('no stats');
    // On the lower layer: once the link's backlog from the source has drained (its queue, and the packets lost
    // at its end being resent), it plays on through the capped link without a freeze.
    const settledAt = down.framesDecoded + 30;
    const settled = await until(
      async () => ((s) => (s && s.framesDecoded >= settledAt ? s : undefined))(await stats(page)),
      {
        what: '1 s of frames on the lower layer',
        timeoutMs: 15_000,
      },
    );
    await until(async () => ((await stats(page))?.framesDecoded ?? 0) > settled.framesDecoded + 90, {
      what: '3 s more of frames on the lower layer',
      timeoutMs: 15_000,
    });
    const after = await stats(page);
    if (!before || !after) throw new Error('no stats');
    console.log(
      `[layers] link capped to ${CAP_KBPS} kbit/s: server on ${sfu.viewerLayer(id)?.current} ${serverMs.toFixed(0)} ms ` +
        `after the cap, viewer decoding ${down.frameHeight} lines ${viewerMs.toFixed(0)} ms after it; freezes until ` +
        `then ${down.freezeCount - before.freezeCount} (${(down.totalFreezesDuration - before.totalFreezesDuration).toFixed(2)} s: ` +
        `the source over a link that cannot carry it), in the first second on the lower layer ` +
        `${settled.freezeCount - down.freezeCount}, in the 3 s after ${after.freezeCount - settled.freezeCount}; packets lost ` +
        `${after.packetsLost}, relay dropped ${relay.dropped}`,
    );
    const layer = sfu.viewerLayer(id);
    expect(layer?.current === '240p' || layer?.current === '144p').toBe(true);
    // Down once, or twice: the queue rule can take a second step a keyframe later (known problem: the new layer's
    // keyframe burst into the still-full queue reads as over; see README, bench:webrtc:layers).
    expect(layer?.switches).toBeGreaterThanOrEqual(1);
    expect(layer?.switches).toBeLessThanOrEqual(2);
    expect(after.freezeCount - settled.freezeCount).toBe(0);
    expect(errors).toEqual([]);
  }, 60_000);
});
