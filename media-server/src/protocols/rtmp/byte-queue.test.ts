import { describe, expect, it } from 'vitest';
import { ByteQueue } from './byte-queue.ts';

const range = (from: number, n: number) => Uint8Array.from({ length: n }, (_, i) => (from + i) & 0xff);

describe('ByteQueue', () => {
  it('reads across small (copied) and large (kept) pushes in order', () => {
    const q = new ByteQueue();
    q.push(range(0, 3));
    q.push(range(3, 5000));
    q.push(range(5003, 1));
    q.push(range(5004, 2));
    expect(q.length).toBe(5006);
    expect([q.byteAt(0), q.byteAt(3), q.byteAt(5003), q.byteAt(5005)]).toEqual([0, 3, 5003 & 0xff, 5005 & 0xff]);
    expect(q.read(2)).toEqual(range(0, 2));
    const target = new Uint8Array(5002);
    q.readInto(target, 1, 5001);
    expect(target.subarray(1)).toEqual(range(2, 5001));
    q.skip(2);
    expect(q.length).toBe(1);
    expect(q.read(1)).toEqual(range(5005, 1));
    expect(() => q.read(1)).toThrow(RangeError);
  });

  it('keeps views it returned intact while later small pushes fill the same tail buffer', () => {
    const q = new ByteQueue();
    q.push(range(0, 10));
    const view = q.read(10);
    for (let i = 0; i < 100; i++) q.push(range(100 + i, 1));
    expect(view).toEqual(range(0, 10));
    expect(q.read(100)).toEqual(range(100, 100));
  });

  it('holds one-byte reads in a few shared buffers, not one object per byte', () => {
    const q = new ByteQueue();
    const n = 200_000;
    for (let i = 0; i < n; i++) q.push(Buffer.of(i & 0xff));
    expect(q.length).toBe(n);
    // Kept as they came, 200,000 Buffer objects of ~100 bytes each would hold 20 MB for 200 KB of data.
    expect(q.chunkCount).toBe(Math.ceil(n / (16 * 1024)));
    const out = new Uint8Array(n);
    q.readInto(out, 0, n);
    expect(out.every((b, i) => b === (i & 0xff))).toBe(true);
    expect(q.chunkCount).toBe(0);
  });
});
