import { describe, expect, it } from 'vitest';
import { BitrateMeter } from './bitrate-meter.ts';

describe('BitrateMeter', () => {
  it('reads 1,000 kbit/s from 30 fps frames of 4,166 bytes over 2 s windows, 0 before', () => {
    const m = new BitrateMeter(2000);
    for (let i = 0; i < 60; i++) m.push(4166, i * 3000);
    expect(m.kbps).toBe(0);
    for (let i = 60; i < 200; i++) m.push(4166, i * 3000);
    expect(m.kbps).toBeGreaterThan(990);
    expect(m.kbps).toBeLessThan(1010);
  });

  it('starts again when the clock goes back (a new publish)', () => {
    const m = new BitrateMeter(1000);
    for (let i = 0; i < 40; i++) m.push(1000, 1_000_000 + i * 3000);
    const before = m.kbps;
    m.push(1000, 0);
    for (let i = 1; i < 40; i++) m.push(2000, i * 3000);
    expect(before).toBe(240);
    expect(m.kbps).toBeGreaterThan(400);
  });
});
