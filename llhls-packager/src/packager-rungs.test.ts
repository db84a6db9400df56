/**
 * Transcoded renditions (a ladder's rungs) beside the source's video, with synthetic access units: a rung's keyframes
 * are the source's, its timestamps the source's clock, and it arrives later (its transcoder's delay). Its segments
 * must start at the source's boundaries and carry the source's MSNs, also after its transcoder restarts.
 */

import type { VideoAccessUnit } from '@glint/media-core';
import * as HLS from 'hls-parser';
import { describe, expect, it } from 'vitest';
import { LivePackager } from './packager.ts';
import { renderMediaPlaylist } from './playlist/media.ts';
import { renderMultivariantPlaylist } from './playlist/multivariant.ts';
import type { Rendition } from './rendition.ts';

const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
/** x264's parameter sets for High profile 640x360 and 320x180. */
const SPS_360 = hex('6764001eacd940a02ff970110000030001000003003c0f162d96');
const SPS_180 = hex('6764000dacd941419f9f0110000003001000000303c0f1429960');
const PPS = hex('68ebe3cb22c0');
const FRAME_90K = 3000;
/** The source has B-frames: its frames decode two frames before they are shown; a rung's do not. */
const REORDER_90K = 2 * FRAME_90K;
const GOP = 30;

function accessUnit(index: number, rung: boolean, bytes: number): VideoAccessUnit {
  const keyframe = index % GOP === 0;
  const data = new Uint8Array(4 + bytes);
  new DataView(data.buffer).setUint32(0, bytes);
  data[4] = keyframe ? 0x65 : 0x41;
  const pts90k = 1_000_000 + index * FRAME_90K + REORDER_90K;
  return { data, format: 'avcc', dts90k: rung ? pts90k : pts90k - REORDER_90K, pts90k, keyframe };
}

function rendition(packager: LivePackager, name: string): Rendition {
  const r = packager.rendition(name);
  if (!r) throw new Error(`no rendition ${name}`);
  return r;
}

function parse(text: string): HLS.types.Playlist {
  HLS.setOptions({ strictMode: true });
  return HLS.parse(text);
}

/** The source runs `frames` ahead; the rung follows `lag` frames behind, for frames in [from, to). */
function run(packager: LivePackager, frames: number, rung: { from: number; to: number; lag: number }): void {
  for (let i = 0; i < frames + rung.lag; i++) {
    if (i < frames) packager.pushVideo(accessUnit(i, false, 3000));
    const j = i - rung.lag;
    if (j >= rung.from && j < rung.to && j < frames) {
      if (j === rung.from) packager.setVideoConfig({ codec: 'h264', sps: [SPS_180], pps: [PPS] }, '180p');
      packager.pushVideo(accessUnit(j, true, 1000), '180p');
    }
  }
}

describe('a rung beside the source', () => {
  it('starts at a source boundary with the source MSN, cuts where the source cuts, and is listed once complete', () => {
    const packager = new LivePackager({ expect: { video: true, audio: false }, partTargetMs: 200 });
    packager.setVideoConfig({ codec: 'h264', sps: [SPS_360], pps: [PPS] });
    packager.expectRungs(() => ['180p']);
    expect(renderMultivariantPlaylist(packager.multivariant())).not.toContain('180p');
    expect(packager.ready).toBe(false);
    // The rung's transcoder starts 40 frames late (mid-GOP) and lags 5 frames behind.
    run(packager, 300, { from: 40, to: 300, lag: 5 });
    const source = rendition(packager, 'video');
    const rung = rendition(packager, '180p');
    const rungModel = rung.model([]);
    const sourceModel = source.model([]);
    // The rung began at the first source boundary after its first frame: frame 60, the source's MSN 2.
    expect(rungModel.segments[0]?.msn).toBe(2);
    for (const segment of rungModel.segments) {
      const twin = sourceModel.segments.find((s) => s.msn === segment.msn);
      expect(twin?.durationSec).toBeCloseTo(segment.durationSec, 6);
      expect(segment.parts.length === 0 || segment.parts[0]?.independent).toBe(true);
    }
    expect(packager.ready).toBe(true);
    const multivariant = parse(renderMultivariantPlaylist(packager.multivariant())) as HLS.types.MasterPlaylist;
    expect(multivariant.variants.map((v) => v.uri)).toEqual(['video/index.m3u8', '180p/index.m3u8']);
    const [top, low] = multivariant.variants;
    expect(low?.resolution).toEqual({ width: 320, height: 180 });
    expect(top?.resolution).toEqual({ width: 640, height: 360 });
    // Measured: the rung's frames are a third of the source's.
    expect((low?.bandwidth ?? 0) / (top?.bandwidth ?? 1)).toBeCloseTo(1 / 3, 1);
    // Each media playlist reports the other.
    const reports = packager.renditionReports('video').map((r) => r.uri);
    expect(reports).toEqual(['../180p/index.m3u8']);
  });

  it('after its transcoder restarts, lists the segments it missed as EXT-X-GAP and goes on with the source MSNs', () => {
    const packager = new LivePackager({ expect: { video: true, audio: false }, partTargetMs: 200 });
    packager.setVideoConfig({ codec: 'h264', sps: [SPS_360], pps: [PPS] });
    for (let i = 0; i < 400; i++) {
      packager.pushVideo(accessUnit(i, false, 3000));
      const j = i - 3;
      // The transcoder dies at frame 100 and is back (mid-GOP) at frame 170.
      if (j === 100) packager.pauseRung('180p');
      if (j >= 0 && (j < 100 || j >= 170)) packager.pushVideo(accessUnit(j, true, 1000), '180p');
      if (j === 0) packager.setVideoConfig({ codec: 'h264', sps: [SPS_180], pps: [PPS] }, '180p');
    }
    const rung = rendition(packager, '180p');
    const text = renderMediaPlaylist(rung.model(packager.renditionReports('180p')));
    const playlist = parse(text) as HLS.types.MediaPlaylist;
    const msns = playlist.segments.map((s) => s.mediaSequenceNumber);
    // Consecutive MSNs: the missed ones are gaps; media resumes at frame 180, the source's MSN 6.
    expect(msns).toEqual(msns.map((_, i) => (msns[0] ?? 0) + i));
    const gaps = playlist.segments.filter((s) => s.gap).map((s) => s.mediaSequenceNumber);
    expect(gaps).toEqual([4, 5]);
    expect(rung.segment(4)).toBeUndefined();
    expect(rung.segment(6)?.bytes.byteLength).toBeGreaterThan(0);
    const source = rendition(packager, 'video');
    expect(rung.position.msn).toBe(source.position.msn);
  });

  it('removing a rung takes it out of the multivariant playlist; names are checked and rungs bounded', () => {
    const packager = new LivePackager({ expect: { video: true, audio: false } });
    packager.setVideoConfig({ codec: 'h264', sps: [SPS_360], pps: [PPS] });
    run(packager, 120, { from: 0, to: 120, lag: 2 });
    expect(renderMultivariantPlaylist(packager.multivariant())).toContain('180p/index.m3u8');
    packager.removeRung('180p');
    expect(renderMultivariantPlaylist(packager.multivariant())).not.toContain('180p');
    expect(packager.rendition('180p')).toBeUndefined();
    const config = { codec: 'h264' as const, sps: [SPS_180], pps: [PPS] };
    expect(() => packager.setVideoConfig(config, '../x')).toThrow(RangeError);
    expect(() => packager.setVideoConfig(config, 'video')).toThrow(RangeError);
    for (let i = 0; i < 8; i++) packager.setVideoConfig(config, `r${i}`);
    expect(() => packager.setVideoConfig(config, 'r8')).toThrow(/at most 8/);
  });
});
