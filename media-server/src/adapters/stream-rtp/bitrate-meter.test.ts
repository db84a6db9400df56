import { describe, expect, it } from 'vitest';
import { BitrateMeter } from './bitrate-meter.ts';

describe('BitrateMeter', () => {
  it('reads 1,000 kbit/s from 30 fps frames of 4,166 bytes, 0 before a second completed', () => {
    const m = new BitrateMeter();
    for (let i = 0; i < 30; i++) m.push(4166, i * 3000);
    expect(m.kbps).toBe(0);
    for (let i = 30; i < 200; i++) m.push(4166, i * 3000);
    expect(m.kbps).toBe(1000);
  });

  it('smooths a keyframe a second over the seconds it holds', () => {
    const m = new BitrateMeter(4);
    // 20 kB keyframes every 1.5 s, 3 kB frames otherwise: seconds of 1 or 2 keyframes.
    for (let i = 0; i < 600; i++) m.push(i % 45 === 0 ? 20_000 : 3000, i * 3000);
    const expected = ((20_000 + 44 * 3000) * 8) / 1.5 / 1000;
    expect(Math.abs(m.kbps - expected) / expected).toBeLessThan(0.1);
  });

  it('starts again when the clock goes back (a new publish), and counts a gap as quiet seconds', () => {
    const m = new BitrateMeter(2);
    for (let i = 0; i < 100; i++) m.push(1000, 1_000_000 + i * 3000);
    expect(m.kbps).toBe(240);
    m.push(1000, 0);
    for (let i = 1; i < 100; i++) m.push(2000, i * 3000);
    expect(m.kbps).toBe(480);
    m.push(2000, 100 * 3000 + 900_000);
    expect(m.kbps).toBe(0);
  });
});
