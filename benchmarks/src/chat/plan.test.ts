import { describe, expect, it } from 'vitest';
import { DEFAULT_PLAN, parsePlan, roomsOf, senderCount, sourceAddresses } from './plan.ts';

describe('parsePlan', () => {
  it('keeps the defaults without flags', () => {
    expect(parsePlan([])).toEqual(DEFAULT_PLAN);
  });

  it('reads numbers and booleans in kebab case', () => {
    const plan = parsePlan(['--busy-rate=40', '--measure-sec=30', '--no-hold-peer']);
    expect(plan).toMatchObject({ busyRate: 40, measureSec: 30, holdPeer: false });
  });

  it('refuses unknown flags and bad values with a sentence', () => {
    expect(() => parsePlan(['--busy-rat=4'])).toThrow(/unknown flag --busy-rat.*--busy-rate/);
    expect(() => parsePlan(['--busy-rate=fast'])).toThrow(/--busy-rate takes a number/);
    expect(() => parsePlan(['busy'])).toThrow(/unknown argument busy/);
    expect(() => parsePlan(['--busy-senders=3000'])).toThrow(/cannot exceed --busy-members/);
  });
});

describe('rooms and addresses', () => {
  it('names one busy room, the small rooms and the hold rooms; a sender per small room', () => {
    const plan = parsePlan(['--small-rooms=3', '--hold-rooms=2', '--busy-senders=4']);
    expect(roomsOf(plan)).toEqual([
      'bench_busy',
      'bench_small_0000',
      'bench_small_0001',
      'bench_small_0002',
      'bench_hold_0000',
      'bench_hold_0001',
    ]);
    expect(senderCount(plan)).toBe(7);
    expect(roomsOf({ ...plan, holdTarget: 0 })).toHaveLength(4);
  });

  it('binds to loopback addresses other than the server’s', () => {
    expect(sourceAddresses(3)).toEqual(['127.0.0.2', '127.0.0.3', '127.0.0.4']);
  });
});
