import { silentLogger } from '@glint/media-core';
import { describe, expect, it } from 'vitest';
import type { SequencedEvent } from '../protocol/types.ts';
import { RoomFeed } from './room-feed.ts';

const at = (seq: number): SequencedEvent => ({ kind: 'cleared', by: `m${seq}`, seq });

function feed(): { feed: RoomFeed; seen: number[] } {
  const roomFeed = new RoomFeed('room', 3, silentLogger);
  const seen: number[] = [];
  roomFeed.subscribers.add((event) => seen.push(event.seq));
  return { feed: roomFeed, seen };
}

describe('RoomFeed', () => {
  it('delivers in order and each seq once', () => {
    const { feed: f, seen } = feed();
    expect(f.offer(at(1))).toBe('delivered');
    expect(f.offer(at(2))).toBe('delivered');
    expect(f.offer(at(2))).toBe('duplicate');
    expect(f.offer(at(1))).toBe('duplicate');
    expect(seen).toEqual([1, 2]);
    expect(f.recent.events().map((event) => event.seq)).toEqual([1, 2]);
  });

  it('holds arrivals after a skipped seq until the gap is filled, then delivers all in order', () => {
    const { feed: f, seen } = feed();
    f.offer(at(1));
    expect(f.offer(at(4))).toBe('gap');
    expect(f.offer(at(5))).toBe('held');
    expect(f.offer(at(4))).toBe('held');
    expect(seen).toEqual([1]);
    f.release([at(2), at(3), at(4)]); // what history had after 1
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    expect(f.lastDelivered).toBe(5);
  });

  it('delivers past a gap history cannot fill', () => {
    const { feed: f, seen } = feed();
    f.offer(at(1));
    f.offer(at(1_000_002)); // a seq moved on after Redis lost the room
    f.release([]);
    expect(seen).toEqual([1, 1_000_002]);
  });

  it('takes the first event as the start when nothing was delivered yet', () => {
    const { feed: f, seen } = feed();
    expect(f.offer(at(40))).toBe('delivered');
    expect(seen).toEqual([40]);
  });

  it('delivers local events without a gap check, and drops their seq if it comes back from Redis', () => {
    const { feed: f, seen } = feed();
    f.offer(at(6));
    f.offerLocal(at(7));
    expect(f.highestSeen).toBe(7);
    expect(f.offer(at(7))).toBe('duplicate');
    expect(seen).toEqual([6, 7]);
  });

  it('a subscriber that throws does not stop the others', () => {
    const errors: object[] = [];
    const f = new RoomFeed('room', 3, { ...silentLogger, error: (fields) => errors.push(fields) });
    const seen: number[] = [];
    f.subscribers.add(() => {
      throw new Error('boom');
    });
    f.subscribers.add((event) => seen.push(event.seq));
    f.offer(at(1));
    expect(seen).toEqual([1]);
    expect(errors).toHaveLength(1);
  });
});
