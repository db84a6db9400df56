import { describe, expect, it } from 'vitest';
import { baselineRate, compileLeftOut, figuresOf, perAddedPacket } from './figures.ts';
import type { ForwarderPass } from './measure.ts';
import type { Slice } from './window.ts';

/** A slice of 1 s: `idle` instructions a second in each process, plus `perPacket` for each of `received` packets. */
function slice(idle: readonly number[], perPacket: readonly number[], received: number, compile = 0, burst = 0): Slice {
  return {
    ms: 1000,
    ir: idle.map((v, p) => v + (perPacket[p] ?? 0) * received + (p === 0 ? burst : 0)),
    compileIr: idle.map((_, p) => (p === 0 ? compile : 0)),
    received,
  };
}

const IDLE = [1_000_000, 10_000];

const PASS: ForwarderPass = {
  forwarder: 'mediasoup',
  processes: ['Node', 'mediasoup-worker'],
  baselines: [
    // One slice with a major GC: the median slice ignores it.
    { slices: [slice(IDLE, [], 0), slice([300_000_000, 10_000], [], 0), slice(IDLE, [], 0)], lost: 0 },
    { slices: [slice(IDLE, [], 0), slice(IDLE, [], 0), slice(IDLE, [], 0)], lost: 0 },
  ],
  windows: [
    {
      receivers: 4,
      packetsInPerSec: 50,
      lost: 0,
      // A major GC (4 M instructions) in one slice: in the window's mean, not in the median slice.
      slices: [
        slice(IDLE, [500, 2000], 200, 7e7),
        slice(IDLE, [500, 2000], 200, 0, 4_000_000),
        slice(IDLE, [500, 2000], 200),
      ],
    },
    {
      receivers: 8,
      packetsInPerSec: 50,
      lost: 0,
      slices: [slice(IDLE, [300, 2000], 400), slice(IDLE, [300, 2000], 400)],
    },
  ],
  keyframeRequests: 0,
  framesSkipped: 0,
};

describe('figuresOf', () => {
  it('takes the median baseline slice off each process, then divides by the packets received', () => {
    expect(baselineRate(PASS)).toEqual(IDLE);
    const [four, eight] = figuresOf(PASS);
    expect(four?.perProcess).toEqual([500, 2000]);
    expect(four?.total).toBe(2500);
    expect(four?.meanTotal).toBeCloseTo(2500 + 4_000_000 / 600, 6);
    expect(four?.sliceTotals).toEqual([2500, 22_500, 2500]);
    expect(four?.forwarded).toBe(600);
    expect(eight?.sliceTotals).toEqual([2300, 2300]);
    // Per second: 8 receivers, 400 packets at 2,300 = 0.92 M; 4, 200 at 2,500 = 0.5 M: the 200 added cost 2,100 each.
    expect(perAddedPacket(four!, eight!)).toBeCloseTo(2100, 6);
  });

  it("reports V8's optimizing compiler apart", () => {
    const { compileIr, share } = compileLeftOut(PASS);
    expect(compileIr).toEqual([7e7, 0]);
    expect(share[0]).toBeGreaterThan(0.8);
    expect(share[1]).toBe(0);
  });
});
