import { describe, expect, it } from 'vitest';
import { FramePicker } from './frame-picker.ts';
import type { RawFrame } from './frame-recorder.ts';

const T0 = 1_764_000_000_000;
const FRAME_MS = 1000 / 30;

/** Frame n captured at T0 + n·33.3 ms with RTP time n·3000, shown 40 ms later; `show` moves the display. */
function read(n: number, options: { rtpOf?: number; show?: number } = {}): RawFrame {
  const capturedMs = T0 + n * FRAME_MS;
  const rtpFrame = options.rtpOf ?? n;
  return {
    frame: n,
    ms: capturedMs % 2 ** 32,
    displayedMs: T0 + (options.show ?? rtpFrame) * FRAME_MS + 40,
    rtpTimestamp: (1_000_000 + rtpFrame * 3000) >>> 0,
  };
}

function picked(reads: RawFrame[]) {
  const picker = new FramePicker();
  for (const r of reads) picker.push(r);
  return picker;
}

describe('FramePicker', () => {
  it('keeps one record per frame, capture ms unwrapped to full wall clock', () => {
    const p = picked(Array.from({ length: 20 }, (_, n) => read(n)));
    expect(p.frames.map((f) => f.frame)).toEqual(Array.from({ length: 20 }, (_, n) => n));
    expect(p.frames[3]?.capturedMs).toBeCloseTo(T0 + 3 * FRAME_MS, 6);
    expect(p.frames.every((f) => Math.abs(f.displayedMs - f.capturedMs - 40) < 1e-6)).toBe(true);
  });

  it("keeps the second read of a band when the first drew the next frame with the previous frame's metadata", () => {
    const reads = Array.from({ length: 10 }, (_, n) => read(n));
    // Frame 10's band read in frame 9's callback (metadata of 9), then again in its own.
    reads.push(read(10, { rtpOf: 9 }), read(10), read(11));
    const p = picked(reads);
    expect(p.frames.map((f) => f.frame)).toEqual(Array.from({ length: 12 }, (_, n) => n));
    const ten = p.frames[10];
    expect((ten?.displayedMs ?? 0) - (ten?.capturedMs ?? 0)).toBeCloseTo(40, 6);
    expect([p.repeats, p.replaced, p.dropped]).toEqual([1, 1, 0]);
  });

  it('keeps the first display of a frame the source repeated', () => {
    const reads = Array.from({ length: 10 }, (_, n) => read(n));
    // The source sent frame 9's picture again as a new frame (later media time): its first display counts.
    reads.push({ ...read(9, { rtpOf: 10 }), frame: 9 });
    const p = picked(reads);
    expect(p.frames).toHaveLength(10);
    expect((p.frames[9]?.displayedMs ?? 0) - (p.frames[9]?.capturedMs ?? 0)).toBeCloseTo(40, 6);
    expect([p.repeats, p.replaced]).toEqual([1, 0]);
  });

  it('leaves out a raced read that no second read put right, and follows a step in the capture clock', () => {
    const reads = Array.from({ length: 10 }, (_, n) => read(n));
    reads.push(read(11, { rtpOf: 10 }), read(12));
    const p = picked(reads);
    expect(p.frames.map((f) => f.frame)).toEqual([...Array.from({ length: 10 }, (_, n) => n), 12]);
    expect(p.dropped).toBe(1);
    // A broadcaster that fell 50 ms behind and resumed from the current time: reads are kept again once the median
    // has followed (half the 31-read window), not dropped from then on.
    const stepped = Array.from({ length: 60 }, (_, n) => ({ ...read(n), ms: read(n).ms + (n >= 10 ? 50 : 0) }));
    const q = picked(stepped);
    expect(q.frames.length).toBeGreaterThan(40);
    expect(q.frames.at(-1)?.frame).toBe(59);
  });

  it('reads the media clock of MSE players from mediaMs', () => {
    const reads: RawFrame[] = Array.from({ length: 10 }, (_, n) => {
      const { rtpTimestamp: _rtp, ...rest } = read(n);
      return { ...rest, mediaMs: 5000 + n * FRAME_MS };
    });
    const { rtpTimestamp: _rtp, ...raced } = read(10, { rtpOf: 9 });
    reads.push({ ...raced, mediaMs: 5000 + 9 * FRAME_MS });
    const { rtpTimestamp: _rtp2, ...again } = read(10);
    reads.push({ ...again, mediaMs: 5000 + 10 * FRAME_MS });
    const p = picked(reads);
    expect(p.replaced).toBe(1);
    expect((p.frames[10]?.displayedMs ?? 0) - (p.frames[10]?.capturedMs ?? 0)).toBeCloseTo(40, 6);
  });
});
