import { describe, expect, it } from 'vitest';
import { DEFAULT_ROOM_SETTINGS } from '../hub/chat-bus.ts';
import type { RoomEvent, SequencedEvent } from '../protocol/types.ts';
import { MemoryChatBus } from './memory-chat-bus.ts';

const cleared = (by: string): RoomEvent => ({ kind: 'cleared', by });

function clock(startMs = 1_000_000): { nowMs: () => number; advance: (ms: number) => void } {
  let now = startMs;
  return { nowMs: () => now, advance: (ms) => (now += ms) };
}

describe('MemoryChatBus', () => {
  it('assigns seqs per room and delivers synchronously to every subscriber in seq order', async () => {
    const bus = new MemoryChatBus();
    const a: number[] = [];
    const b: number[] = [];
    const other: number[] = [];
    await bus.subscribe('alice', (event) => a.push(event.seq));
    await bus.subscribe('alice', (event) => b.push(event.seq));
    await bus.subscribe('bob', (event) => other.push(event.seq));
    const first = bus.publish('alice', cleared('m1'));
    expect(a).toEqual([1]); // before the promise resolves
    expect(await first).toEqual({ kind: 'cleared', by: 'm1', seq: 1 });
    await bus.publish('alice', cleared('m2'));
    await bus.publish('bob', cleared('m3'));
    expect(a).toEqual([1, 2]);
    expect(b).toEqual([1, 2]);
    expect(other).toEqual([1]);
  });

  it('keeps seq order when a subscriber publishes from its callback', async () => {
    const bus = new MemoryChatBus();
    const seen: [string, number][] = [];
    await bus.subscribe('room', (event) => {
      seen.push(['first', event.seq]);
      if (event.seq === 1) void bus.publish('room', cleared('echo'));
    });
    await bus.subscribe('room', (event) => seen.push(['second', event.seq]));
    await bus.publish('room', cleared('m'));
    expect(seen).toEqual([
      ['first', 1],
      ['second', 1],
      ['first', 2],
      ['second', 2],
    ]);
  });

  it('a subscriber that throws does not stop the others; unsubscribe stops delivery', async () => {
    const errors: unknown[] = [];
    const logger = { debug() {}, info() {}, warn() {}, error: (fields: object) => errors.push(fields) };
    const bus = new MemoryChatBus({ logger });
    const seen: number[] = [];
    await bus.subscribe('room', () => {
      throw new Error('boom');
    });
    const unsubscribe = await bus.subscribe('room', (event) => seen.push(event.seq));
    await bus.publish('room', cleared('m'));
    await unsubscribe();
    await bus.publish('room', cleared('m'));
    expect(seen).toEqual([1]);
    expect(errors).toHaveLength(2);
  });

  it('keeps a bounded history and reports gaps', async () => {
    const bus = new MemoryChatBus({ historyLimit: 5 });
    for (let i = 0; i < 8; i += 1) await bus.publish('room', cleared(`m${i}`));
    const seqs = (events: readonly SequencedEvent[]) => events.map((event) => event.seq);

    const last = await bus.history('room', { limit: 50 });
    expect(seqs(last.events)).toEqual([4, 5, 6, 7, 8]);
    expect(last).toMatchObject({ gap: false, seq: 8 });
    expect(seqs((await bus.history('room', { limit: 2 })).events)).toEqual([7, 8]);

    expect(await bus.history('room', { sinceSeq: 5, limit: 50 })).toMatchObject({ gap: false, seq: 8 });
    expect(seqs((await bus.history('room', { sinceSeq: 5, limit: 50 })).events)).toEqual([6, 7, 8]);
    expect(await bus.history('room', { sinceSeq: 3, limit: 50 })).toMatchObject({ gap: false });
    expect(await bus.history('room', { sinceSeq: 8, limit: 50 })).toEqual({ events: [], gap: false, seq: 8 });
    // 1 and 2 after seq 1 were dropped from the ring
    const old = await bus.history('room', { sinceSeq: 1, limit: 50 });
    expect(old.gap).toBe(true);
    expect(seqs(old.events)).toEqual([4, 5, 6, 7, 8]);
    // more followed than the page holds
    const short = await bus.history('room', { sinceSeq: 4, limit: 2 });
    expect(short.gap).toBe(true);
    expect(seqs(short.events)).toEqual([7, 8]);
    // offsets from a seq space this bus never had
    expect(await bus.history('room', { sinceSeq: 99, limit: 50 })).toEqual({ events: [], gap: true, seq: 8 });
    expect(await bus.history('empty', { limit: 50 })).toEqual({ events: [], gap: false, seq: 0 });
    expect(await bus.history('empty', { sinceSeq: 0, limit: 50 })).toEqual({ events: [], gap: false, seq: 0 });
    expect(await bus.history('empty', { sinceSeq: 3, limit: 50 })).toEqual({ events: [], gap: true, seq: 0 });
  });

  it('refuses a history limit below 1', () => {
    expect(() => new MemoryChatBus({ historyLimit: 0 })).toThrow(RangeError);
  });

  it('counts hits in fixed windows and says how long until the window ends', async () => {
    const time = clock();
    const bus = new MemoryChatBus({ nowMs: time.nowMs });
    expect(await bus.hit('u1', 2, 1000)).toBe(0);
    expect(await bus.hit('u1', 2, 1000)).toBe(0);
    time.advance(300);
    expect(await bus.hit('u1', 2, 1000)).toBe(700);
    expect(await bus.hit('u2', 2, 1000)).toBe(0);
    time.advance(700);
    expect(await bus.hit('u1', 2, 1000)).toBe(0);
  });

  it('holds at most maxCounters windows, dropping expired ones first', async () => {
    const time = clock();
    const bus = new MemoryChatBus({ nowMs: time.nowMs, maxCounters: 3 });
    await bus.hit('short', 1, 10);
    await bus.hit('a', 1, 10_000);
    await bus.hit('b', 1, 10_000);
    time.advance(20);
    await bus.hit('c', 1, 10_000); // evicts the expired 'short', keeps a and b
    expect(await bus.hit('a', 1, 10_000)).toBeGreaterThan(0);
    await bus.hit('d', 1, 10_000); // full of live windows: the oldest ('a') goes
    expect(await bus.hit('b', 1, 10_000)).toBeGreaterThan(0);
    expect(await bus.hit('a', 1, 10_000)).toBe(0);
  });

  it('bans until lifted, timeouts until they expire', async () => {
    const time = clock();
    const bus = new MemoryChatBus({ nowMs: time.nowMs });
    await bus.restrict('room', 'Mallory', null);
    await bus.restrict('room', 'eve', time.nowMs() + 5000);
    expect(await bus.restriction('room', 'mallory')).toEqual({ untilMs: null });
    expect(await bus.restriction('other', 'mallory')).toBeNull();
    expect(await bus.restriction('room', 'eve')).toEqual({ untilMs: time.nowMs() + 5000 });
    time.advance(5000);
    expect(await bus.restriction('room', 'eve')).toBeNull();
    await bus.lift('room', 'mallory');
    expect(await bus.restriction('room', 'mallory')).toBeNull();
    await bus.restrict('room', 'eve', time.nowMs() + 1000);
    await bus.restrict('room', 'eve', time.nowMs() - 1); // in the past: lifted
    expect(await bus.restriction('room', 'eve')).toBeNull();
  });

  it('stores settings per room and counts chatters', async () => {
    const bus = new MemoryChatBus();
    expect(await bus.settings('room')).toEqual(DEFAULT_ROOM_SETTINGS);
    const slow = { ...DEFAULT_ROOM_SETTINGS, slowSeconds: 30, blockedTerms: ['spoiler'] };
    await bus.saveSettings('room', slow);
    expect(await bus.settings('room')).toEqual(slow);
    expect(await bus.settings('other')).toEqual(DEFAULT_ROOM_SETTINGS);
    await bus.reportChatters('room', 12);
    expect(await bus.chatters('room')).toBe(12);
    await bus.reportChatters('room', 0);
    expect(await bus.chatters('room')).toBe(0);
    expect(bus.connected).toBe(true);
  });
});
