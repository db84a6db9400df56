import { describe, expect, it } from 'vitest';
import { AuQueue, windowAfter, windowDone } from './au-queue.ts';

function queueOf(sizes: readonly number[]): AuQueue {
  const q = new AuQueue();
  sizes.forEach((bytes, i) => {
    q.enter(i * 33, bytes, i * 33);
  });
  return q;
}

describe('AuQueue', () => {
  it('lists the access units whose sizes the part holds, with their delays', () => {
    const q = queueOf([10, 11, 12, 13, 14, 15]);
    const first = q.list([10, 11, 12], 100);
    expect(first).toMatchObject({ dtsMs: 0, enteredMs: 0, listedMs: 100 });
    expect(q.listed.map((a) => a.listedMs - a.enteredMs)).toEqual([100, 67, 34]);
    expect(q.pendingCount).toBe(3);
  });

  it('passes over access units a server dropped instead of shifting every later delay', () => {
    const q = queueOf([10, 11, 12, 13, 14, 15, 16, 17]);
    q.list([13, 14, 15, 16], 300);
    expect(q.skipped).toBe(3);
    expect(q.listed.map((a) => a.dtsMs)).toEqual([99, 132, 165, 198]);
  });

  it('falls back to counting when no run of sizes matches, and says so', () => {
    const q = queueOf([10, 11, 12, 13]);
    q.list([99, 98], 200);
    expect(q.unmatched).toBe(1);
    expect(q.listed.map((a) => a.dtsMs)).toEqual([0, 33]);
  });

  it('is done with a window once everything that entered before its end is listed', () => {
    const q = queueOf([10, 11, 12, 13]);
    const w = windowAfter(0, 0, 50);
    expect(windowDone(q, w, 40)).toBe(false);
    q.list([10], 60);
    expect(windowDone(q, w, 60)).toBe(false);
    q.list([11], 70);
    expect(windowDone(q, w, 70)).toBe(true);
  });
});
