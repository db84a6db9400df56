/**
 * The packager under sources that misbehave, with synthetic access units (the packager never decodes slices): no
 * keyframe for minutes, configurations that keep changing, two broadcasts on one channel. Memory, playlist size and
 * URIs must stay bounded and honest.
 */

import type { VideoAccessUnit } from '@glint/media-core';
import * as HLS from 'hls-parser';
import { describe, expect, it } from 'vitest';
import { type KeyframeRequest, LivePackager, newBroadcastId } from './packager.ts';
import { renderMediaPlaylist, skippableSegments } from './playlist/media.ts';
import type { Rendition } from './rendition.ts';

const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
/** x264's parameter sets for High profile 640x360 and 320x180 (the packager reads the SPS for size and codec). */
const SPS_360 = hex('6764001eacd940a02ff970110000030001000003003c0f162d96');
const SPS_180 = hex('6764000dacd941419f9f0110000003001000000303c0f1429960');
const PPS = hex('68ebe3cb22c0');
const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);
const FRAME_90K = 3000;

/** One frame as AVCC: an IDR or a non-IDR slice NAL of `bytes` bytes. */
function accessUnit(index: number, keyframe: boolean, bytes = 2000): VideoAccessUnit {
  const data = new Uint8Array(4 + bytes);
  new DataView(data.buffer).setUint32(0, bytes);
  data[4] = keyframe ? 0x65 : 0x41;
  data.fill(index & 0xff, 5);
  const dts90k = index * FRAME_90K;
  return { data, format: 'avcc', dts90k, pts90k: dts90k, keyframe };
}

function videoPackager(extra: ConstructorParameters<typeof LivePackager>[0] = {}): LivePackager {
  const packager = new LivePackager({ expect: { video: true, audio: false }, clock: () => T0, ...extra });
  packager.setVideoConfig({ codec: 'h264', sps: [SPS_360], pps: [PPS] });
  return packager;
}

function video(packager: LivePackager): Rendition {
  const rendition = packager.rendition('video');
  if (!rendition) throw new Error('no video rendition');
  return rendition;
}

function parse(text: string): HLS.types.MediaPlaylist {
  HLS.setOptions({ strictMode: true });
  return HLS.parse(text) as HLS.types.MediaPlaylist;
}

interface Snapshot {
  readonly heldParts: number;
  readonly heldBytes: number;
  readonly playlistBytes: number;
}

describe('a source that sends one keyframe and then none', () => {
  it('keeps parts, bytes and the playlist bounded for 10 minutes, TARGETDURATION honest, and asks for keyframes', () => {
    const packager = videoPackager();
    const requests: KeyframeRequest[] = [];
    packager.onKeyframeNeeded((r) => requests.push(r));
    const rendition = video(packager);
    const snapshots = new Map<number, Snapshot>();
    for (let i = 0; i <= 30 * 600; i++) {
      packager.pushVideo(accessUnit(i, i === 0));
      if (i % (30 * 60) !== 0 || i === 0) continue;
      const text = renderMediaPlaylist(rendition.model([]));
      const parsed = parse(text);
      // RFC 8216bis 4.4.3.1: every EXTINF, rounded, at most TARGETDURATION; here not even unrounded.
      for (const s of parsed.segments.filter((x) => x.uri))
        expect(s.duration).toBeLessThanOrEqual(parsed.targetDuration);
      // The open segment too: its parts never add up to more than TARGETDURATION.
      const open = parsed.segments.at(-1)?.uri ? [] : (parsed.segments.at(-1)?.parts.filter((p) => !p.hint) ?? []);
      expect(open.reduce((sum, p) => sum + (p.duration ?? 0), 0)).toBeLessThanOrEqual(parsed.targetDuration);
      // Only the very first part ever began with a keyframe, and it left the playlist long ago.
      expect(text).not.toContain('INDEPENDENT=YES');
      snapshots.set(i / 30, {
        heldParts: rendition.heldParts,
        heldBytes: rendition.heldBytes,
        playlistBytes: Buffer.byteLength(text),
      });
    }
    const at60 = snapshots.get(60);
    const at300 = snapshots.get(300);
    const at600 = snapshots.get(600);
    if (!at60 || !at300 || !at600) throw new Error('missing snapshots');
    console.log(
      `[no keyframe] parts held ${at60.heldParts}/${at300.heldParts}/${at600.heldParts}, ` +
        `bytes held ${at60.heldBytes}/${at300.heldBytes}/${at600.heldBytes}, ` +
        `playlist ${at60.playlistBytes}/${at300.playlistBytes}/${at600.playlistBytes} B at 60/300/600 s`,
    );
    expect(rendition.targetDurationSec).toBe(4);
    expect(rendition.forcedCuts).toBe(150);
    // Parts of the 4 newest complete segments and of the open one: at most 5 × 20 parts of 200 ms.
    for (const s of [at60, at300, at600]) expect(s.heldParts).toBeLessThanOrEqual(100);
    // The window: 18 target durations (72 s) plus at most one segment, and the open segment: 80 s of 60 kB/s.
    expect(at600.heldBytes).toBeLessThanOrEqual(80 * 30 * 2004);
    expect(at600.heldBytes).toBe(at300.heldBytes);
    expect(at600.playlistBytes).toBeLessThan(8 * 1024);
    expect(at600.playlistBytes).toBeLessThanOrEqual(at300.playlistBytes + 64); // only the numbers grow
    // A request every 2 s after the keyframe: 2, 4, ..., 600 s.
    expect(requests).toHaveLength(300);
    expect(requests[0]).toEqual({ rendition: 'video', sinceKeyframeSec: 2 });
    expect(requests.at(-1)?.sinceKeyframeSec).toBe(600);
  });

  it('cuts at the configured bound, and stops asking once a keyframe comes', () => {
    const packager = videoPackager({ maxSegmentMs: 2500 });
    const requests: KeyframeRequest[] = [];
    packager.onKeyframeNeeded((r) => requests.push(r));
    for (let i = 0; i < 30 * 10; i++) packager.pushVideo(accessUnit(i, i === 0 || i >= 30 * 8 ? i % 30 === 0 : false));
    const model = video(packager).model([]);
    expect(model.segments.map((s) => s.durationSec)).toEqual([2.5, 2.5, 2.5, 0.5, 1]);
    // The oldest segment (the one that began with the keyframe) keeps only its bytes; the others keep their parts.
    expect(model.segments.slice(1).map((s) => s.parts[0]?.independent)).toEqual([false, false, false, true]);
    expect(requests.map((r) => r.sinceKeyframeSec)).toEqual([2, 4, 6]);
  });
});

describe('the live window', () => {
  it('is 3× the skip boundary, so a delta update skips; only the newest segments keep their parts', () => {
    const packager = videoPackager();
    const rendition = video(packager);
    for (let i = 0; i <= 30 * 60; i++) packager.pushVideo(accessUnit(i, i % 30 === 0, 500));
    const model = rendition.model([]);
    const windowSec = model.segments.reduce((sum, s) => sum + s.durationSec, 0);
    expect(model.canSkipUntilSec).toBe(6);
    expect(windowSec).toBeGreaterThanOrEqual(18);
    expect(windowSec).toBeLessThan(20);
    expect(skippableSegments(model)).toBe(model.segments.length - 6);
    const delta = parse(renderMediaPlaylist(model, 'YES'));
    expect(delta.skip).toBe(model.segments.length - 6);
    // Parts: 4 complete segments and the open one (1 s each, 5 parts of 200 ms); older segments only their bytes.
    expect(model.segments.filter((s) => s.parts.length > 0)).toHaveLength(4);
    expect(rendition.heldParts).toBeLessThanOrEqual(5 * 5);
    const oldest = rendition.segment(model.segments[0]?.msn ?? -1);
    expect(oldest?.parts).toEqual([]);
    expect(oldest?.bytes.byteLength).toBeGreaterThan(30 * 504);
  });

  it('keeps at most maxWindowSegments however short the segments are', () => {
    const packager = videoPackager({ maxWindowSegments: 10, segmentTargetMs: 200, partTargetMs: 100 });
    for (let i = 0; i <= 30 * 20; i++) packager.pushVideo(accessUnit(i, i % 6 === 0, 100));
    expect(video(packager).model([]).segments).toHaveLength(10);
  });
});

describe('init segments', () => {
  it('keeps only those the window refers to, however often the configuration changes', () => {
    const packager = videoPackager();
    const rendition = video(packager);
    for (let gop = 0; gop < 200; gop++) {
      packager.setVideoConfig({ codec: 'h264', sps: [gop % 2 ? SPS_180 : SPS_360], pps: [PPS] });
      for (let f = 0; f < 30; f++) packager.pushVideo(accessUnit(gop * 30 + f, f === 0, 100));
    }
    const model = rendition.model([]);
    const referenced = new Set([...model.segments.map((s) => s.mapUri), model.current?.mapUri]);
    expect(rendition.initCount).toBeLessThanOrEqual(referenced.size + 1);
    expect(rendition.initCount).toBeLessThanOrEqual(20);
    for (const uri of referenced) if (uri) expect(rendition.initByUri(uri)).toBeDefined();
    expect(rendition.initByUri(`${packager.broadcastId}/init0.mp4`)).toBeUndefined();
    expect(rendition.init?.uri).toBe(`${packager.broadcastId}/init199.mp4`);
  });

  it('adds none when a publisher reconnects with the same configuration', () => {
    const packager = videoPackager();
    for (let round = 0; round < 50; round++) {
      packager.discontinuity();
      packager.setVideoConfig({ codec: 'h264', sps: [SPS_360], pps: [PPS] });
      for (let f = 0; f < 30; f++) packager.pushVideo(accessUnit(round * 30 + f, f === 0, 100));
    }
    expect(video(packager).initCount).toBe(1);
  });
});

describe('broadcast ids', () => {
  it('gives two broadcasts started in the same millisecond disjoint media URIs', () => {
    const uris = (p: LivePackager) => {
      for (let i = 0; i <= 30 * 3; i++) p.pushVideo(accessUnit(i, i % 30 === 0));
      const m = video(p).model([]);
      return [
        ...m.segments.flatMap((s) => [s.uri, s.mapUri, ...s.parts.map((x) => x.uri)]),
        ...(m.current?.parts.map((x) => x.uri) ?? []),
        m.preloadHintUri,
      ];
    };
    const a = uris(videoPackager());
    const b = uris(videoPackager());
    expect(a.length).toBeGreaterThan(10);
    expect(a.filter((u) => b.includes(u))).toEqual([]);
    expect(newBroadcastId(T0)).toMatch(/^mww2n400[0-9a-f]{8}$/);
  });

  it('refuses an id that cannot be a URI folder', () => {
    for (const bad of ['', 'a/b', '..', 'x'.repeat(65), 'a"b']) {
      expect(() => new LivePackager({ broadcastId: bad }), bad).toThrow(RangeError);
    }
  });

  it('continues the numbering when a new audio sample rate replaces the rendition: no URI or MSN repeats', () => {
    const packager = new LivePackager({ expect: { video: false, audio: true }, clock: () => T0 });
    const seen: string[] = [];
    const collect = () => {
      const m = packager.rendition('audio')?.model([]);
      for (const s of m?.segments ?? []) seen.push(s.uri, ...s.parts.map((p) => p.uri));
      return m;
    };
    const feed = (rate: number, from: number, seconds: number) => {
      for (let i = 0; i < (seconds * rate) / 1024; i++) {
        packager.pushAudio({ data: new Uint8Array(50), pts90k: from + Math.round((i * 1024 * 90000) / rate) });
      }
    };
    packager.setAudioConfig({ codec: 'aac', asc: hex('1190') });
    feed(48000, 0, 3);
    const before = collect();
    packager.setAudioConfig({ codec: 'aac', asc: hex('1210') });
    feed(44100, 3 * 90000, 3);
    const after = collect();
    expect(new Set(seen).size).toBe(new Set(seen.filter((u, i) => seen.indexOf(u) === i)).size);
    const lastBefore = before?.segments.at(-1)?.msn ?? -1;
    expect(after?.mediaSequence).toBeGreaterThan(lastBefore);
    expect(after?.segments[0]?.discontinuity).toBe(true);
    expect(after?.segments[0]?.mapUri).toBe(`${packager.broadcastId}/init1.mp4`);
    const uris = [...(before?.segments ?? []), ...(after?.segments ?? [])].map((s) => s.uri);
    expect(new Set(uris).size).toBe(uris.length);
  });
});
