/**
 * When a segment's last part is published. A keyframe that comes a frame or two after a part was cut (a WHIP
 * publisher answering a keyframe request; AAC frames that do not divide the part target) leaves a short last part.
 * Published at once, a player sees the segment complete a frame after the part before it, while it is still
 * buffering that part, and hls.js then never loads the short part (it counts the segment as loaded within 0.2 s of
 * its end) and stalls. The rendition publishes such a part with the next one: never sooner than a part target after
 * the part before it.
 */
import { describe, expect, it } from 'vitest';
import { LivePackager } from './packager.ts';
import type { Rendition } from './rendition.ts';

const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
/** x264's parameter sets for High profile 640x360 (the packager reads the SPS for size and codec). */
const SPS = hex('6764001eacd940a02ff970110000030001000003003c0f162d96');
const PPS = hex('68ebe3cb22c0');
const FRAME_90K = 3000;
/** An Opus packet of one 20 ms CELT frame (TOC config 31, code 0). */
const OPUS_20MS = Uint8Array.from([0xf8, 1, 2, 3]);
const PART_TARGET_SEC = 0.2;

interface Published {
  readonly rendition: string;
  readonly msn: number;
  readonly part: number;
  readonly durationSec: number;
  /** Media time (s) of the newest input when the part became visible: when a player could have seen it. */
  readonly atSec: number;
  /** Which change (listener call) made it visible. */
  readonly change: number;
}

/**
 * 30 fps video with a keyframe every `gop` frames and, optionally, 20 ms Opus frames, fed in time order; records
 * when each part and each segment end became visible in the playlists.
 */
function run(options: { gop: number; frames: number; audio?: boolean; end?: boolean }) {
  const packager = new LivePackager({ expect: { video: true, audio: options.audio ?? false }, clock: () => 0 });
  packager.setVideoConfig({ codec: 'h264', sps: [SPS], pps: [PPS] });
  if (options.audio) packager.setAudioConfig({ codec: 'opus', channels: 2 });
  const parts: Published[] = [];
  const completed: Array<{ rendition: string; msn: number; atSec: number; change: number }> = [];
  let nowSec = 0;
  let change = 0;
  const seen = new Map<string, { parts: number; complete: number }>();
  packager.onChange(() => {
    change++;
    for (const r of packager.renditions) {
      const s = seen.get(r.name) ?? { parts: 0, complete: -1 };
      for (; s.parts < r.nextPartId; s.parts++) {
        const part = r.part(s.parts);
        const where = locate(r, s.parts);
        if (part && where) {
          parts.push({ rendition: r.name, ...where, durationSec: part.durationSec, atSec: nowSec, change });
        }
      }
      for (; s.complete < r.lastCompleteMsn; s.complete++) {
        completed.push({ rendition: r.name, msn: s.complete + 1, atSec: nowSec, change });
      }
      seen.set(r.name, s);
    }
  });
  let audioNext90k = 0;
  for (let i = 0; i < options.frames; i++) {
    const dts90k = i * FRAME_90K;
    while (options.audio && audioNext90k <= dts90k) {
      nowSec = audioNext90k / 90000;
      packager.pushAudio({ data: OPUS_20MS, pts90k: audioNext90k });
      audioNext90k += 1800;
    }
    nowSec = dts90k / 90000;
    const keyframe = i % options.gop === 0;
    const data = new Uint8Array(4 + 200);
    new DataView(data.buffer).setUint32(0, 200);
    data[4] = keyframe ? 0x65 : 0x41;
    packager.pushVideo({ data, format: 'avcc', dts90k, pts90k: dts90k, keyframe });
  }
  if (options.end) packager.end();
  return { packager, parts, completed };
}

/** A part's segment and index within it, from the rendition's model. */
function locate(r: Rendition, id: number): { msn: number; part: number } | undefined {
  const model = r.model([]);
  for (const segment of [...model.segments, ...(model.current ? [model.current] : [])]) {
    const part = segment.parts.findIndex((p) => p.uri.endsWith(`/p${id}.m4s`));
    if (part >= 0) return { msn: segment.msn, part };
  }
  return undefined;
}

describe('a segment whose keyframe comes a frame after a part was cut', () => {
  it('completes with the next part, a part target after the part before its last, never a frame after it', () => {
    // GOP 31 at 30 fps: five 200 ms parts, then the keyframe one frame later, a 33 ms last part.
    const { parts, completed } = run({ gop: 31, frames: 31 * 4 });
    const video = parts.filter((p) => p.rendition === 'video');
    const segment0 = video.filter((p) => p.msn === 0);
    expect(segment0.map((p) => Number(p.durationSec.toFixed(3)))).toEqual([0.2, 0.2, 0.2, 0.2, 0.2, 0.033]);
    for (const msn of [0, 1, 2]) {
      const [beforeLast, last] = video.filter((p) => p.msn === msn).slice(-2);
      if (!beforeLast || !last) throw new Error(`segment ${msn} has fewer than two parts`);
      // Visible with the next segment's first part: a full part later, not one frame later.
      expect(last.atSec - beforeLast.atSec).toBeGreaterThanOrEqual(PART_TARGET_SEC - 1e-9);
      // ...in the same change as the next segment's first part: no playlist shows one without the other.
      const next = video.find((p) => p.msn === msn + 1 && p.part === 0);
      expect(next?.change).toBe(last.change);
      expect(completed.find((c) => c.rendition === 'video' && c.msn === msn)?.change).toBe(last.change);
    }
  });

  it('keeps the segment boundary where the keyframe is: durations and numbering are unchanged', () => {
    const { packager } = run({ gop: 31, frames: 31 * 4 });
    const model = packager.rendition('video')?.model([]);
    expect(model?.segments.map((s) => Number(s.durationSec.toFixed(3)))).toEqual([1.033, 1.033, 1.033]);
    expect(model?.segments.map((s) => s.parts.length)).toEqual([6, 6, 6]);
    expect(model?.current?.parts[0]?.independent).toBe(true);
  });

  it('publishes a full last part at once (a GOP that fills its parts is not held)', () => {
    const { parts, completed } = run({ gop: 30, frames: 30 * 3 + 1 });
    const video = parts.filter((p) => p.rendition === 'video' && p.msn === 0);
    const last = video.at(-1);
    expect(video.map((p) => Number(p.durationSec.toFixed(3)))).toEqual([0.2, 0.2, 0.2, 0.2, 0.2]);
    // Cut when the keyframe (frame 30, 1.0 s) arrived: not held until the next part.
    expect(last?.atSec).toBe(1);
    expect(completed.find((c) => c.rendition === 'video' && c.msn === 0)?.atSec).toBe(1);
  });

  it('publishes a held part when the stream ends', () => {
    // Frame 31 is the keyframe that cuts segment 0 short; the stream ends before segment 1 fills a part.
    const { packager } = run({ gop: 31, frames: 33, end: true });
    const model = packager.rendition('video')?.model([]);
    expect(model?.ended).toBe(true);
    expect(model?.segments[0]?.parts.map((p) => Number(p.durationSec.toFixed(3)))).toEqual([
      0.2, 0.2, 0.2, 0.2, 0.2, 0.033,
    ]);
    expect(model?.segments).toHaveLength(2);
  });

  it('ends each audio segment with a full part, within one part after the video boundary', () => {
    const { packager, parts } = run({ gop: 31, frames: 31 * 3 + 8, audio: true });
    const audioModel = packager.rendition('audio')?.model([]);
    const videoModel = packager.rendition('video')?.model([]);
    // Video boundaries at 1.033, 2.067 and 3.1 s fall inside audio parts of 200 ms; each audio segment ends when
    // that part is full (1.2, 2.2, 3.2 s) instead of with a 40 ms tail that hls.js may never load.
    expect(audioModel?.segments.map((s) => Number(s.durationSec.toFixed(3)))).toEqual([1.2, 1, 1]);
    expect(videoModel?.segments.map((s) => Number(s.durationSec.toFixed(3)))).toEqual([1.033, 1.033, 1.033]);
    const audio = parts.filter((p) => p.rendition === 'audio');
    for (const msn of [0, 1, 2]) {
      const last = audio.filter((p) => p.msn === msn).at(-1);
      expect(last?.durationSec).toBeCloseTo(PART_TARGET_SEC, 6);
    }
  });
});
