import { describe, expect, it } from 'vitest';
import { BFrameDetector } from './b-frame-detector.ts';

describe('BFrameDetector', () => {
  it.each([
    ['nothing yet', [], false],
    ['one frame', [0], false],
    ['I P P in order', [0, 3000, 6000], false],
    ['a repeated pts (not reordered)', [0, 3000, 3000, 6000], false],
    ['I P B B: pts back below the P', [0, 9000, 3000, 6000], true],
    ['a B-frame late in an ordered run', [0, 3000, 6000, 12_000, 9000, 15_000], true],
    ['a new GOP starting above everything', [0, 9000, 3000, 6000, 18_000, 27_000], true],
  ])('%s → %s', (_what, pts90k, expected) => {
    const detector = new BFrameDetector();
    for (const pts of pts90k) detector.push(pts);
    expect(detector.seen).toBe(expected);
  });

  it('keeps the answer once B-frames were seen', () => {
    const detector = new BFrameDetector();
    for (const pts of [0, 6000, 3000]) detector.push(pts);
    for (let i = 3; i < 100; i++) detector.push(i * 3000);
    expect(detector.seen).toBe(true);
  });
});
