import { describe, expect, it } from 'vitest';
import { LayerForwarder } from './layer-forwarder.ts';
import type { RtpSource, VideoLayer } from './types.ts';
import { startsKeyframeRtp, VideoLayerRoute } from './video-layer-route.ts';

const IDR = 0x65;
const P_SLICE = 0x41;

function rtp(ssrc: number, seq: number, ts: number, nal: number, marker = true): Buffer {
  const b = Buffer.alloc(14);
  b[0] = 0x80;
  b[1] = (marker ? 0x80 : 0) | 102;
  b.writeUInt16BE(seq & 0xffff, 2);
  b.writeUInt32BE(ts >>> 0, 4);
  b.writeUInt32BE(ssrc, 8);
  b[12] = nal;
  b[13] = 0;
  return b;
}

const header = (p: Buffer) => ({ seq: p.readUInt16BE(2), ts: p.readUInt32BE(4), nal: p[12] });

describe('LayerForwarder', () => {
  it('starts at the first keyframe of its target, as the packets are', () => {
    let now = 0;
    const f = new LayerForwarder(() => now);
    f.setTarget('a');
    expect(f.push('a', rtp(1, 10, 3000, P_SLICE), false)).toBeNull();
    const first = f.push('a', rtp(1, 11, 6000, IDR), true);
    expect(first?.switched).toBe(true);
    expect(header(first!.packet)).toEqual({ seq: 11, ts: 6000, nal: IDR });
    now = 33;
    expect(header(f.push('a', rtp(1, 12, 9000, P_SLICE), false)!.packet).seq).toBe(12);
    expect(f.push('b', rtp(2, 500, 9000, IDR), true)).toBeNull();
    expect(f.switches).toBe(0);
  });

  it('keeps the old layer until the target keyframe, then goes on with sequence +1 and timestamps forward', () => {
    let now = 0;
    const f = new LayerForwarder(() => now);
    const out: Buffer[] = [];
    const push = (layer: string, p: Buffer, key: boolean) => {
      const r = f.push(layer, p, key);
      if (r) out.push(r.packet);
    };
    f.setTarget('hi');
    // hi: ssrc 1, seq from 65,530 (wraps), ts from 4,294,960,000 (wraps); lo: seq 7, ts 1,000,000 (another clock).
    let hiSeq = 65_530;
    let hiTs = 4_294_960_000;
    let loSeq = 7;
    let loTs = 1_000_000;
    for (let frame = 0; frame < 30; frame++) {
      now = frame * 33;
      const key = frame % 10 === 0;
      // Two packets per frame on each layer; only the first opens a keyframe.
      push('hi', rtp(1, hiSeq++, hiTs, key ? IDR : P_SLICE, false), key);
      push('hi', rtp(1, hiSeq++, hiTs, P_SLICE), false);
      push('lo', rtp(2, loSeq++, loTs, key ? IDR : P_SLICE, false), key);
      push('lo', rtp(2, loSeq++, loTs, P_SLICE), false);
      hiTs += 3000;
      loTs += 3000;
      if (frame === 12) f.setTarget('lo');
    }
    expect(f.current).toBe('lo');
    expect(f.switches).toBe(1);
    const headers = out.map(header);
    // 21 frames of hi (0–20; the switch waits for lo's keyframe at frame 20, which comes after hi's frame 20), then
    // 10 of lo: no gap in the sequence, timestamps never back.
    expect(headers).toHaveLength(62);
    for (let i = 1; i < headers.length; i++) {
      expect(headers[i]!.seq).toBe((headers[i - 1]!.seq + 1) & 0xffff);
      const step = (headers[i]!.ts - headers[i - 1]!.ts + 2 ** 32) % 2 ** 32;
      expect(step === 0 || (step > 0 && step <= 3000)).toBe(true);
    }
    expect(headers[42]).toMatchObject({ nal: IDR });
    // lo's keyframe came in the same millisecond as hi's frame: one tick later; then lo's own steps.
    expect((headers[42]!.ts - headers[41]!.ts + 2 ** 32) % 2 ** 32).toBe(1);
    expect((headers[44]!.ts - headers[42]!.ts + 2 ** 32) % 2 ** 32).toBe(3000);
    // The packets of the layers are never rewritten in place (other viewers share them).
    expect(out.every((p) => p.readUInt32BE(8) === 1 || p.readUInt32BE(8) === 2)).toBe(true);
  });

  it('cancels a pending switch when the current layer is asked for again', () => {
    const f = new LayerForwarder(() => 0);
    f.setTarget('a');
    f.push('a', rtp(1, 1, 0, IDR), true);
    f.setTarget('b');
    f.setTarget('a');
    expect(f.target).toBeNull();
    expect(f.push('b', rtp(2, 1, 0, IDR), true)).toBeNull();
  });

  it('finds a keyframe after CSRCs and a header extension', () => {
    const ext = Buffer.concat([
      Buffer.from([0x90, 102, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]),
      Buffer.from([0xbe, 0xde, 0, 1, 0x10, 0xaa, 0, 0]),
      Buffer.from([IDR, 0]),
    ]);
    expect(startsKeyframeRtp(ext)).toBe(true);
    expect(startsKeyframeRtp(rtp(1, 1, 0, P_SLICE))).toBe(false);
    expect(startsKeyframeRtp(Buffer.alloc(5))).toBe(false);
  });
});

describe('LayerForwarder holding the old layer back', () => {
  it('forwards nothing of the current layer until the target keyframe, then goes on counting sequence numbers', () => {
    let now = 0;
    const f = new LayerForwarder(() => now);
    f.setTarget('a');
    f.push('a', rtp(1, 10, 3000, IDR), true);
    f.holdCurrent(2000);
    expect(f.holding).toBe(false); // no target: nothing to hold for
    f.setTarget('b');
    f.holdCurrent(2000);
    expect(f.holding).toBe(true);
    now = 100;
    expect(f.push('a', rtp(1, 11, 6000, P_SLICE), false)).toBeNull();
    expect(f.push('a', rtp(1, 12, 9000, P_SLICE), false)).toBeNull();
    const key = f.push('b', rtp(2, 500, 50_000, IDR), true);
    expect(key?.switched).toBe(true);
    expect(header(key!.packet).seq).toBe(11);
    expect(f.holding).toBe(false);
    expect(f.held).toBe(2);
  });

  it('lets the current layer through again after maxMs without the keyframe', () => {
    let now = 0;
    const f = new LayerForwarder(() => now);
    f.setTarget('a');
    f.push('a', rtp(1, 10, 3000, IDR), true);
    f.setTarget('b');
    f.holdCurrent(2000);
    now = 1999;
    expect(f.push('a', rtp(1, 11, 6000, P_SLICE), false)).toBeNull();
    now = 2000;
    expect(f.push('a', rtp(1, 12, 9000, P_SLICE), false)).not.toBeNull();
    expect(f.holding).toBe(false);
  });
});

/** A layer fed by hand. */
function fakeLayer(id: string, bitrateKbps: number) {
  const listeners = new Set<(p: Buffer) => void>();
  const ends = new Set<() => void>();
  let seq = id.length * 1000;
  const layer: VideoLayer = {
    id,
    width: 0,
    height: 0,
    bitrateKbps,
    onRtp: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    requestKeyframe: () => {},
    onEnd: (l) => {
      ends.add(l);
      return () => ends.delete(l);
    },
  };
  return {
    layer,
    frame(ts: number, key: boolean) {
      for (const l of listeners) l(rtp(id.length, seq, ts, key ? IDR : P_SLICE));
      seq++;
    },
    end() {
      for (const l of [...ends]) l();
    },
  };
}

describe('VideoLayerRoute', () => {
  it('switches a viewer down on its estimate at the lower layer’s keyframe and moves it off a layer that ended', () => {
    let now = 0;
    const hi = fakeLayer('source', 2500);
    const lo = fakeLayer('240p', 300);
    const newLayer: Array<(l: VideoLayer) => void> = [];
    const source = {
      channelId: 'c',
      codecs: {},
      onRtp: () => () => {},
      requestKeyframe: () => {},
      onClose: () => () => {},
      videoLayers: () => [hi.layer, lo.layer],
      onVideoLayer: (l: (layer: VideoLayer) => void) => {
        newLayer.push(l);
        return () => {};
      },
    } satisfies RtpSource;
    let keyframeRequests = 0;
    const switches: string[] = [];
    const route = new VideoLayerRoute(source, {
      selector: { downHoldMs: 1000 },
      requestKeyframe: () => keyframeRequests++,
      onSwitch: (_v, from, to) => switches.push(`${from}→${to}`),
      onError: (e) => {
        throw e;
      },
      nowMs: () => now,
    });
    const got: Buffer[] = [];
    const viewer = { connected: true, sendVideo: (p: Buffer) => got.push(p) };
    route.addViewer(viewer, null);
    route.connected(viewer);
    route.start();
    const frames = (from: number, to: number) => {
      for (let i = from; i < to; i++) {
        now = i * 33;
        hi.frame(i * 3000, i % 30 === 0);
        lo.frame(i * 3000, i % 30 === 0);
        if (i % 8 === 0) route.estimate(viewer, i < 40 ? 5_000_000 : 600_000);
      }
    };
    frames(0, 40);
    expect(route.viewerLayer(viewer)).toMatchObject({ current: 'source', target: null });
    frames(40, 75);
    // Under 1.1 × 2,500 since frame 40: after 1 s the target is 240p, reached at its keyframe (frame 90).
    expect(route.viewerLayer(viewer)).toMatchObject({ current: 'source', target: '240p' });
    expect(keyframeRequests).toBeGreaterThan(0);
    frames(75, 95);
    expect(route.viewerLayer(viewer)).toMatchObject({ current: '240p', target: null });
    expect(switches).toEqual(['null→source', 'source→240p']);
    // Source frames 0–90 (its frame 90 came before 240p's), then 240p from its keyframe at frame 90.
    expect(got).toHaveLength(96);
    const keyAt = got.findIndex((p) => p.readUInt32BE(8) === lo.layer.id.length);
    expect(keyAt).toBe(91);
    expect(got[91]![12]).toBe(IDR);
    // The layer ends: the viewer waits for a keyframe of what is left (a new 'source').
    lo.end();
    expect(route.viewerLayer(viewer)).toMatchObject({ current: null, target: 'source' });
    const again = fakeLayer('240p', 300);
    newLayer[0]?.(again.layer);
    expect(route.layers.map((l) => l.id)).toEqual(['source', '240p']);
    for (let i = 95; i < 125; i++) hi.frame(i * 3000, i % 30 === 0);
    expect(route.viewerLayer(viewer)?.current).toBe('source');
    for (let i = 1; i < got.length; i++)
      expect(got[i]!.readUInt16BE(2)).toBe((got[i - 1]!.readUInt16BE(2) + 1) & 0xffff);
    route.close();
  });
});

describe('VideoLayerRoute on receiver reports', () => {
  it('moves a viewer down at the next keyframe once its reports fall behind what was sent, and drops its resend history', () => {
    let now = 0;
    const hi = fakeLayer('source', 2500);
    const lo = fakeLayer('480p', 1000);
    const source = {
      channelId: 'c',
      codecs: {},
      onRtp: () => () => {},
      requestKeyframe: () => {},
      onClose: () => () => {},
      videoLayers: () => [hi.layer, lo.layer],
    } satisfies RtpSource;
    const route = new VideoLayerRoute(source, {
      requestKeyframe: () => {},
      onError: (e) => {
        throw e;
      },
      nowMs: () => now,
    });
    const got: Array<{ seq: number; atMs: number }> = [];
    let drops = 0;
    const viewer = {
      connected: true,
      sendVideo: (p: Buffer) => got.push({ seq: p.readUInt16BE(2), atMs: now }),
      dropResendHistory: () => drops++,
    };
    route.addViewer(viewer, null);
    route.connected(viewer);
    route.start();
    /** Frame i at i × 33 ms; the viewer reports every 5th frame, having received what was sent `lagMs` ago. */
    const frames = (from: number, to: number, lagMs: (i: number) => number) => {
      for (let i = from; i < to; i++) {
        now = i * 33;
        hi.frame(i * 3000, i % 30 === 0);
        lo.frame(i * 3000, i % 30 === 0);
        if (i % 5 !== 0) continue;
        const seen = got.filter((g) => g.atMs <= now - lagMs(i)).at(-1);
        if (seen) route.report(viewer, { fractionLost: 0, highestSequence: seen.seq });
      }
    };
    frames(0, 40, () => 5);
    expect(route.viewerLayer(viewer)).toMatchObject({ current: 'source', target: null });
    // From frame 40 the link holds back a queue growing by three quarters of the time elapsed.
    frames(40, 60, (i) => 5 + (i - 40) * 25);
    expect(route.viewerLayer(viewer)).toMatchObject({ current: 'source', target: '480p' });
    expect(drops).toBe(0);
    frames(60, 62, () => 400);
    expect(route.viewerLayer(viewer)).toMatchObject({ current: '480p', target: null, switches: 1 });
    expect(drops).toBe(1);
    route.close();
  });

  it('holds the old layer back until the keyframe when the link is also dropping packets', () => {
    let now = 0;
    const hi = fakeLayer('source', 2500);
    const lo = fakeLayer('480p', 1000);
    const source = {
      channelId: 'c',
      codecs: {},
      onRtp: () => () => {},
      requestKeyframe: () => {},
      onClose: () => () => {},
      videoLayers: () => [hi.layer, lo.layer],
    } satisfies RtpSource;
    const route = new VideoLayerRoute(source, { requestKeyframe: () => {}, onError: () => {}, nowMs: () => now });
    const got: Array<{ seq: number; atMs: number; ssrc: number }> = [];
    const viewer = {
      connected: true,
      sendVideo: (p: Buffer) => got.push({ seq: p.readUInt16BE(2), atMs: now, ssrc: p.readUInt32BE(8) }),
    };
    route.addViewer(viewer, null);
    route.connected(viewer);
    route.start();
    let decidedAt = -1;
    for (let i = 0; i < 62; i++) {
      now = i * 33;
      hi.frame(i * 3000, i % 30 === 0);
      lo.frame(i * 3000, i % 30 === 0);
      if (i % 5 !== 0) continue;
      const lagMs = i < 40 ? 5 : 5 + (i - 40) * 25;
      const seen = got.filter((g) => g.atMs <= now - lagMs).at(-1);
      if (seen) route.report(viewer, { fractionLost: i < 40 ? 0 : 0.3, highestSequence: seen.seq });
      if (decidedAt < 0 && route.viewerLayer(viewer)?.target === '480p') decidedAt = got.length;
    }
    expect(decidedAt).toBeGreaterThan(0);
    // After the decision nothing more of the source (its ssrc is 'source'.length), then 480p from its keyframe.
    const after = got.slice(decidedAt);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((g) => g.ssrc === '480p'.length)).toBe(true);
    for (let i = 1; i < got.length; i++) expect(got[i]!.seq).toBeGreaterThan(got[i - 1]!.seq);
    route.close();
  });
});
