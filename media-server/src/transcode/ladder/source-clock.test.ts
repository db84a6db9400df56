import { describe, expect, it } from 'vitest';
import { SourceClock } from './source-clock.ts';

describe('SourceClock', () => {
  it('writes ms from the origin and maps output PTS back to the exact source pts90k', () => {
    const clock = new SourceClock(1_000_000);
    // 29.97 fps with B-frames: pts90k not on ms, composition offsets.
    const frames = [
      { dts: 1_000_000, pts: 1_006_006 },
      { dts: 1_003_003, pts: 1_015_015 },
      { dts: 1_006_006, pts: 1_009_009 },
      { dts: 1_009_009, pts: 1_012_012 },
    ];
    const written = frames.map((f) => clock.write(f.pts, f.dts, 0));
    expect(written).toEqual([
      { dtsMs: 0, compositionMs: 67 },
      { dtsMs: 33, compositionMs: 134 },
      { dtsMs: 67, compositionMs: 33 },
      { dtsMs: 100, compositionMs: 33 },
    ]);
    expect(clock.writtenMs).toBe(167);
    // ffmpeg returns the FLV ms as 90 kHz.
    expect(clock.nearest(clock.outputMs(100 * 90), 20)?.pts90k).toBe(1_009_009);
    expect(clock.nearest(clock.outputMs(133 * 90), 20)?.pts90k).toBe(1_012_012);
    // A rung at a lower frame rate lands between frames: the nearest one wins; too far, none.
    expect(clock.nearest(121, 20)?.pts90k).toBe(1_012_012);
    expect(clock.nearest(400, 20)).toBeUndefined();
  });

  it('unwraps the 33-bit output PTS next to what was written', () => {
    const clock = new SourceClock(0);
    const ms = 2 ** 33 / 90 + 1000; // 26.5 h in
    clock.write(ms * 90, ms * 90, 0);
    expect(clock.outputMs((ms * 90) % 2 ** 33)).toBe(ms);
    expect(clock.outputMs(((ms - 2000) * 90) % 2 ** 33)).toBe(ms - 2000);
  });

  it('keeps at most its capacity of frames', () => {
    const clock = new SourceClock(0, 10);
    for (let i = 0; i < 100; i++) clock.write(i * 3000, i * 3000, 0);
    expect(clock.nearest(0, 50)).toBeUndefined();
    expect(clock.nearest(99 * 33.333, 50)?.pts90k).toBe(99 * 3000);
  });
});
