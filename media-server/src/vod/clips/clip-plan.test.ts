import { isGlintError } from '@glint/media-core';
import { describe, expect, it } from 'vitest';
import { type PlanSegment, type ProbedPacket, planClip } from './clip-plan.ts';

const FPS = 30;
const SEG_BYTES = 1000;

/**
 * `count` one-second segments of 30 frames at 30 fps, as ffprobe would read them from init + segments: keyframe
 * first, B-frame reordering (decode 2 frames ahead), media clock starting at `clockSec`.
 */
function archive(count: number, clockSec = 10): { segments: PlanSegment[]; packets: ProbedPacket[] } {
  const segments: PlanSegment[] = [];
  const packets: ProbedPacket[] = [];
  for (let s = 0; s < count; s++) {
    const byteStart = 500 + s * SEG_BYTES;
    segments.push({ startUs: s * 1_000_000, durationUs: 1_000_000, byteStart, byteEnd: byteStart + SEG_BYTES });
    for (let f = 0; f < FPS; f++) {
      const ptsSec = clockSec + s + f / FPS + 2 / FPS;
      packets.push({ ptsSec, dtsSec: clockSec + s + f / FPS, key: f === 0, pos: byteStart + 10 + f * 30 });
    }
  }
  return { segments, packets };
}

describe('planClip', () => {
  it('copies the whole segments inside the range and re-encodes the frames of the edge segments in it', () => {
    const { segments, packets } = archive(40);
    const plan = planClip(segments.slice(2, 33), packets, 2_500_000, 32_500_000);
    expect(plan.frames).toBe(900);
    expect(plan.pieces).toMatchObject([
      { kind: 'encode', segment: 0, startFrame: 15, endFrame: 30 },
      { kind: 'copy', first: 1, last: 29, decodeDelayUs: 66_667 },
      { kind: 'encode', segment: 30, startFrame: 0, endFrame: 15 },
    ]);
    expect(Math.abs(plan.durationUs - 30_000_000)).toBeLessThan(2);
    expect(plan.decodeDelayUs).toBe(66_667);
    // The first frame (2.5 s on the VOD timeline) on the media clock audio shares: 10 s + 2.5 s + the B-frame delay.
    expect(plan.firstPtsSec).toBeCloseTo(12.5 + 2 / FPS, 6);
  });

  it('copies only when the range falls on keyframes, and encodes all of a range inside one segment', () => {
    const { segments, packets } = archive(10);
    const whole = planClip(segments, packets, 3_000_000, 8_000_000);
    expect(whole.pieces).toEqual([expect.objectContaining({ kind: 'copy', first: 3, last: 7 })]);
    const inside = planClip(segments.slice(4, 5), packets, 4_100_000, 4_900_000);
    expect(inside.pieces).toMatchObject([{ kind: 'encode', segment: 0, startFrame: 3, endFrame: 27 }]);
    expect(inside.frames).toBe(24);
  });

  it('starts a new piece at a discontinuity, so the concat demuxer places it after the one before', () => {
    const { segments, packets } = archive(6);
    const broken = segments.map((s, i) => (i === 3 ? { ...s, breakBefore: true } : s));
    const plan = planClip(broken, packets, 0, 6_000_000);
    expect(plan.pieces.map((p) => p.kind === 'copy' && [p.first, p.last])).toEqual([
      [0, 2],
      [3, 5],
    ]);
  });

  it('refuses a range with no frames and a segment with nothing readable', () => {
    const { segments, packets } = archive(3);
    expect(() => planClip(segments, packets, 5_000_000, 6_000_000)).toThrow(/no archived video frame/);
    try {
      planClip(segments, packets.slice(0, 30), 0, 3_000_000);
      expect.unreachable();
    } catch (error) {
      expect(isGlintError(error, 'CLIP_SOURCE_BAD')).toBe(true);
    }
  });
});
