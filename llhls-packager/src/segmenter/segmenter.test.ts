import { describe, expect, it } from 'vitest';
import { type PartCut, type Sample, Segmenter } from './segmenter.ts';

const FRAME = 3000; // 30 fps at 90 kHz

function videoSample(i: number, gop: number): Sample {
  return {
    data: new Uint8Array([i & 0xff]),
    dts: i * FRAME,
    compositionOffset: 0,
    keyframe: i % gop === 0,
    duration: 0,
  };
}

function run(segmenter: Segmenter, samples: Sample[]): PartCut[] {
  return [...samples.flatMap((s) => segmenter.push(s)), ...segmenter.flush()];
}

function segments(cuts: PartCut[]): PartCut[][] {
  const out: PartCut[][] = [[]];
  for (const cut of cuts) {
    out[out.length - 1]?.push(cut);
    if (cut.endsSegment) out.push([]);
  }
  return out.filter((s) => s.length > 0);
}

describe('video segmenter', () => {
  const opts = { kind: 'video', partTargetTicks: 18000, segmentTargetTicks: 90000 } as const;

  it('cuts parts of at most the part target and segments at the first keyframe past the target', () => {
    const cuts = run(
      new Segmenter(opts),
      Array.from({ length: 90 }, (_, i) => videoSample(i, 30)),
    );
    for (const cut of cuts) expect(cut.durationTicks).toBeLessThanOrEqual(18000);
    const segs = segments(cuts);
    expect(segs.map((s) => s.reduce((sum, c) => sum + c.durationTicks, 0))).toEqual([90000, 90000, 90000]);
    expect(segs.map((s) => s.length)).toEqual([5, 5, 5]);
    for (const seg of segs) {
      expect(seg[0]?.independent).toBe(true);
      expect(seg.slice(1).every((c) => !c.independent)).toBe(true);
      expect(seg[0]?.samples[0]?.keyframe).toBe(true);
    }
    expect(cuts.flatMap((c) => c.samples).length).toBe(90);
  });

  it('keeps whole-target parts when timestamps are rounded to milliseconds (RTMP: 33/34/33 ms frames)', () => {
    const samples = Array.from({ length: 90 }, (_, i) => ({
      ...videoSample(i, 30),
      dts: Math.round((i * 1000) / 30) * 90,
    }));
    const segs = segments(run(new Segmenter(opts), samples));
    // Six frames a part, five parts a segment: no part under 85 % of the target short of a segment's end, and no
    // one-frame part before each keyframe.
    expect(segs.slice(0, 2).map((seg) => seg.map((c) => c.samples.length))).toEqual([
      [6, 6, 6, 6, 6],
      [6, 6, 6, 6, 6],
    ]);
    for (const seg of segs) for (const cut of seg.slice(0, -1)) expect(cut.durationTicks).toBeGreaterThan(0.85 * 18000);
  });

  it('lets a GOP longer than the target decide the segment length', () => {
    const segs = segments(
      run(
        new Segmenter(opts),
        Array.from({ length: 120 }, (_, i) => videoSample(i, 60)),
      ),
    );
    expect(segs.map((s) => s.reduce((sum, c) => sum + c.durationTicks, 0))).toEqual([180000, 180000]);
  });

  it('drops what comes before the first keyframe', () => {
    const samples = Array.from({ length: 40 }, (_, i) => videoSample(i + 5, 30));
    const cuts = run(new Segmenter(opts), samples);
    expect(cuts[0]?.samples[0]?.dts).toBe(30 * FRAME);
    expect(cuts.flatMap((c) => c.samples).length).toBe(15);
  });

  it('gives each sample the distance to the next dts, and the last one the previous duration', () => {
    const seg = new Segmenter(opts);
    const dts = [0, 3000, 6003, 9000];
    const cuts = run(
      seg,
      dts.map((d, i) => ({ data: new Uint8Array(1), dts: d, compositionOffset: 0, keyframe: i === 0, duration: 0 })),
    );
    expect(cuts.flatMap((c) => c.samples).map((s) => s.duration)).toEqual([3000, 3003, 2997, 2997]);
  });
});

describe('audio segmenter', () => {
  const aac = (i: number): Sample => ({
    data: new Uint8Array(4),
    dts: i * 1024,
    compositionOffset: 0,
    keyframe: true,
    duration: 1024,
  });

  it('closes a part as soon as one more frame would overflow the target', () => {
    const segmenter = new Segmenter({ kind: 'audio', partTargetTicks: 9600, segmentTargetTicks: 48000 });
    const first = Array.from({ length: 9 }, (_, i) => segmenter.push(aac(i))).flat();
    // 9 frames of 1024 at 48 kHz = 192 ms; a tenth would make 213 ms > 200 ms: the part closes on the 9th frame.
    expect(first).toHaveLength(1);
    expect(first[0]?.durationTicks).toBe(9 * 1024);
    expect(first[0]?.independent).toBe(true);
  });

  it('cuts segments where the video announced them', () => {
    const segmenter = new Segmenter({
      kind: 'audio',
      partTargetTicks: 9600,
      segmentTargetTicks: 48000,
      followBoundaries: true,
    });
    segmenter.addBoundary(48000);
    const cuts = run(
      segmenter,
      Array.from({ length: 100 }, (_, i) => aac(i)),
    );
    const segs = segments(cuts);
    const firstEnd = (segs[0] ?? []).reduce((sum, c) => sum + c.durationTicks, 0);
    // The boundary (1 s, inside the sixth part of 9 frames) ends the segment when that part is full: 54 frames,
    // not 47 with a 2-frame tail that hls.js may never load.
    expect(firstEnd).toBe(6 * 9 * 1024);
    expect(segs).toHaveLength(2);
    expect(segs[0]?.map((c) => c.samples.length)).toEqual([9, 9, 9, 9, 9, 9]);
  });
});

describe('audio following video boundaries', () => {
  it('never ends a segment with a short part, whatever the boundaries (a tail hls.js might skip)', () => {
    const segmenter = new Segmenter({
      kind: 'audio',
      partTargetTicks: 9600,
      segmentTargetTicks: 48000,
      followBoundaries: true,
    });
    // Video boundaries about every second, off the audio frame grid (WHIP keyframes come late by 1–5 frames).
    for (let k = 1; k <= 9; k++) segmenter.addBoundary(k * 48000 + ((k * 7919) % 5) * 1600);
    const cuts = run(
      segmenter,
      Array.from({ length: 470 }, (_, i) => ({
        data: new Uint8Array(4),
        dts: i * 1024,
        compositionOffset: 0,
        keyframe: true,
        duration: 1024,
      })),
    );
    const segs = segments(cuts);
    expect(segs.length).toBeGreaterThanOrEqual(9);
    for (const seg of segs.slice(0, -1)) {
      expect(seg.at(-1)?.samples.length).toBe(9);
      expect(seg.reduce((n, c) => n + c.durationTicks, 0)).toBeLessThan(48000 + 2 * 9600);
    }
    expect(cuts.reduce((n, c) => n + c.samples.length, 0)).toBe(470);
  });
});

describe('video without keyframes', () => {
  const opts = { kind: 'video', partTargetTicks: 18000, segmentTargetTicks: 90000 } as const;
  const oneKeyframe = (count: number) =>
    Array.from({ length: count }, (_, i) => videoSample(i, Number.MAX_SAFE_INTEGER));

  it('cuts a segment at 4 targets without a keyframe; the next one starts dependent and is not marked independent', () => {
    const segmenter = new Segmenter(opts);
    const segs = segments(run(segmenter, oneKeyframe(30 * 20)));
    expect(segs.map((s) => s.reduce((sum, c) => sum + c.durationTicks, 0))).toEqual([
      360000, 360000, 360000, 360000, 360000,
    ]);
    expect(segs[0]?.[0]?.independent).toBe(true);
    for (const seg of segs.slice(1)) {
      expect(seg[0]?.samples[0]?.keyframe).toBe(false);
      expect(seg.every((c) => !c.independent)).toBe(true);
    }
    expect(segmenter.forcedCuts).toBe(4);
  });

  it('asks for a keyframe after 2 targets without one, again every 2 targets, and stops once one comes', () => {
    const asked: number[] = [];
    const segmenter = new Segmenter({ ...opts, onKeyframeNeeded: (since) => asked.push(since) });
    const samples = oneKeyframe(30 * 7);
    // A keyframe at 7 s: no request after it until 2 s later.
    samples.push(...Array.from({ length: 30 * 3 }, (_, i) => videoSample(30 * 7 + i, 30 * 7)));
    run(segmenter, samples);
    expect(asked).toEqual([180000, 360000, 540000, 180000]);
  });

  it('asks for nothing when keyframes come every 2 targets, and cuts there', () => {
    const asked: number[] = [];
    const segmenter = new Segmenter({ ...opts, onKeyframeNeeded: (since) => asked.push(since) });
    const segs = segments(
      run(
        segmenter,
        Array.from({ length: 30 * 8 }, (_, i) => videoSample(i, 60)),
      ),
    );
    expect(asked).toEqual([]);
    expect(segmenter.forcedCuts).toBe(0);
    expect(segs.every((s) => s[0]?.independent)).toBe(true);
  });

  it('asks for a keyframe while it waits for the first one', () => {
    const asked: number[] = [];
    const segmenter = new Segmenter({ ...opts, onKeyframeNeeded: (since) => asked.push(since) });
    const cuts = run(
      segmenter,
      Array.from({ length: 30 * 5 }, (_, i) => videoSample(i + 1, Number.MAX_SAFE_INTEGER)),
    );
    expect(cuts).toEqual([]);
    expect(asked).toEqual([180000, 360000]);
  });

  it('refuses a longest segment shorter than the target', () => {
    expect(() => new Segmenter({ ...opts, maxSegmentTicks: 45000 })).toThrow(RangeError);
  });
});
