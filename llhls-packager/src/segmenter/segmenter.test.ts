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
    // The first audio frame at or after 1 s starts the second segment.
    expect(firstEnd).toBe(Math.ceil(48000 / 1024) * 1024);
    expect(segs).toHaveLength(2);
  });
});
