import { describe, expect, it } from 'vitest';
import { FrameRateEstimator } from './frame-rate-estimator.ts';

/** Decode times of `count` frames at `fps`, rounded to whole ms as FLV carries them, in 90 kHz. */
function flvDts(fps: number, count: number, startMs = 0): number[] {
  return Array.from({ length: count }, (_, i) => Math.round(startMs + (i * 1000) / fps) * 90);
}

describe('FrameRateEstimator', () => {
  // The nearest common rate within 1 % wins: 30 and 29.97 fps (0.1 % apart) stay apart even from ms-rounded times.
  it.each([
    ['no frame: the default', [], 30],
    ['one frame: the default', [0], 30],
    ['two frames at one time: the default', [9000, 9000], 30],
    ['30 fps exact', Array.from({ length: 60 }, (_, i) => i * 3000), 30],
    ['30 fps ms-rounded', flvDts(30, 90), 30],
    ['29.97 fps ms-rounded', flvDts(30_000 / 1001, 90), 29.97],
    ['23.976 fps ms-rounded', flvDts(24_000 / 1001, 90), 23.976],
    ['24 fps ms-rounded', flvDts(24, 90), 24],
    ['25 fps from 10 s in', flvDts(25, 50, 10_000), 25],
    ['59.94 fps ms-rounded', flvDts(60_000 / 1001, 180), 59.94],
    ['60 fps ms-rounded', flvDts(60, 180), 60],
    ['15 fps: measured, no common rate near', flvDts(15, 30), 15],
    ['12.5 fps: measured', flvDts(12.5, 25), 12.5],
  ])('%s → %s', (_what, dts90k, expected) => {
    const estimator = new FrameRateEstimator();
    for (const dts of dts90k) estimator.push(dts);
    expect(estimator.fps).toBeCloseTo(expected, 2);
  });
});
