import { randomUUID } from 'node:crypto';
import { until } from '@glint/testkit';
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ROOM_SETTINGS } from '../hub/chat-bus.ts';
import type { RoomEvent, SequencedEvent } from '../protocol/types.ts';
import { RedisChatBus, type RedisChatBusOptions } from './redis-chat-bus.ts';

const REDIS_URL = 'redis://127.0.0.1:6379';
const prefix = `test:chat-bus:${randomUUID()}:`;
const cleared = (by: string): RoomEvent => ({ kind: 'cleared', by });
const seqs = (events: readonly SequencedEvent[]) => events.map((event) => event.seq);

let admin: ReturnType<typeof createClient>;
const buses: RedisChatBus[] = [];

async function pod(options: Partial<RedisChatBusOptions> = {}): Promise<RedisChatBus> {
  const bus = await RedisChatBus.connect({ url: REDIS_URL, keyPrefix: prefix, ...options });
  buses.push(bus);
  return bus;
}

/** Pods subscribed to a room's channel, as Redis counts them. */
async function subscribersOf(room: string): Promise<number> {
  const counts = await admin.pubSubNumSub(`${prefix}room:${room}`);
  return Number(Object.values(counts)[0] ?? 0);
}

beforeAll(async () => {
  admin = createClient({ url: REDIS_URL });
  await admin.connect();
});

afterEach(async () => {
  await Promise.all(buses.splice(0).map((bus) => bus.close()));
});

afterAll(async () => {
  for await (const keys of admin.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
    if (keys.length > 0) await admin.del(keys);
  }
  await admin.close();
});

describe('RedisChatBus on the shared Redis', () => {
  it('delivers every pod’s events to every subscribed pod in the same seq order', async () => {
    const pods = [await pod(), await pod(), await pod()];
    const seen = pods.map(() => [] as SequencedEvent[]);
    await Promise.all(pods.map((bus, i) => bus.subscribe('order', (event) => seen[i]?.push(event))));
    const sent = await Promise.all(
      Array.from({ length: 30 }, (_, n) => pods[n % 3]?.publish('order', cleared(`p${n % 3}-${n}`))),
    );
    expect(new Set(sent.map((event) => event?.seq)).size).toBe(30);
    await until(() => seen.every((events) => events.length === 30), { what: '30 events on each pod' });
    expect(seqs(seen[0] ?? [])).toEqual(Array.from({ length: 30 }, (_, n) => n + 1));
    expect(seen[1]).toEqual(seen[0]);
    expect(seen[2]).toEqual(seen[0]);
    expect(pods.every((bus) => bus.connected)).toBe(true);
  });

  it('subscribes a pod to a room only while it has a subscriber there', async () => {
    const [a, b] = [await pod(), await pod()];
    const onB: SequencedEvent[] = [];
    const first = await a.subscribe('lonely', () => {});
    const second = await a.subscribe('lonely', () => {});
    const other = await b.subscribe('elsewhere', (event) => onB.push(event));
    expect(await subscribersOf('lonely')).toBe(1); // two members on pod A, one channel subscription
    await a.publish('lonely', cleared('a'));
    await b.publish('lonely', cleared('b'));
    await b.publish('elsewhere', cleared('marker'));
    await until(() => onB.length === 1, { what: 'the marker on pod B' });
    expect(onB.map((event) => event.kind === 'cleared' && event.by)).toEqual(['marker']); // nothing from 'lonely'
    await first();
    expect(await subscribersOf('lonely')).toBe(1);
    await second();
    expect(await subscribersOf('lonely')).toBe(0);
    await other();
  });

  it('stops delivering to a subscriber that unsubscribed, others on the pod go on', async () => {
    const bus = await pod();
    const kept: number[] = [];
    const dropped: number[] = [];
    await bus.subscribe('unsub', (event) => kept.push(event.seq));
    const unsubscribe = await bus.subscribe('unsub', (event) => dropped.push(event.seq));
    await bus.publish('unsub', cleared('m'));
    await until(() => dropped.length === 1 && kept.length === 1, { what: 'the first event' });
    await unsubscribe();
    await bus.publish('unsub', cleared('m'));
    await until(() => kept.length === 2, { what: 'the second event' });
    expect(dropped).toEqual([1]);
  });

  it('keeps delivering to a room re-subscribed while its unsubscribe is on its way', async () => {
    const [a, b] = [await pod(), await pod()];
    const seen: number[] = [];
    const unsubscribe = await a.subscribe('flap', () => {});
    const leaving = unsubscribe(); // not awaited: the last member leaves as a new one joins
    await a.subscribe('flap', (event) => seen.push(event.seq));
    await leaving;
    await until(
      async () => {
        await b.publish('flap', cleared('b'));
        return seen.length > 0;
      },
      { what: 'an event in the room pod A re-subscribed to' },
    );
    expect(await subscribersOf('flap')).toBe(1);
  });

  it('keeps the last events as history and says when since is too old', async () => {
    const [a, b] = [await pod({ historyLimit: 5 }), await pod({ historyLimit: 5 })];
    for (let n = 0; n < 8; n += 1) await (n % 2 ? a : b).publish('history', cleared(`m${n}`));
    const last = await b.history('history', { limit: 50 });
    expect(seqs(last.events)).toEqual([4, 5, 6, 7, 8]);
    expect(last).toMatchObject({ gap: false, seq: 8 });
    expect(seqs((await a.history('history', { limit: 2 })).events)).toEqual([7, 8]);
    const resumed = await a.history('history', { sinceSeq: 5, limit: 50 });
    expect(resumed).toMatchObject({ gap: false, seq: 8 });
    expect(seqs(resumed.events)).toEqual([6, 7, 8]);
    expect(await a.history('history', { sinceSeq: 8, limit: 50 })).toEqual({ events: [], gap: false, seq: 8 });
    const old = await a.history('history', { sinceSeq: 1, limit: 50 });
    expect(old.gap).toBe(true);
    expect(seqs(old.events)).toEqual([4, 5, 6, 7, 8]);
    const short = await a.history('history', { sinceSeq: 4, limit: 2 });
    expect(short).toMatchObject({ gap: true });
    expect(seqs(short.events)).toEqual([7, 8]);
    expect(await a.history('nothing-yet', { limit: 50 })).toEqual({ events: [], gap: false, seq: 0 });
    expect(await a.history('nothing-yet', { sinceSeq: 4, limit: 50 })).toEqual({ events: [], gap: true, seq: 0 });
  });

  it('shares rate-limit windows across pods', async () => {
    const [a, b] = [await pod(), await pod()];
    const key = `user:${randomUUID()}`;
    expect(await a.hit(key, 2, 60_000)).toBe(0);
    expect(await b.hit(key, 2, 60_000)).toBe(0);
    const wait = await a.hit(key, 2, 60_000);
    expect(wait).toBeGreaterThan(50_000);
    expect(wait).toBeLessThanOrEqual(60_000);
    expect(await b.hit(`${key}:other`, 2, 60_000)).toBe(0);
    const short = `user:${randomUUID()}`;
    await a.hit(short, 1, 50);
    expect(await b.hit(short, 1, 50)).toBeGreaterThan(0);
    await until(async () => (await b.hit(short, 1, 50)) === 0, { what: 'the 50 ms window to end' });
  });

  it('shares bans and timeouts across pods; a timeout ends by itself', async () => {
    const [a, b, c] = [await pod(), await pod(), await pod()];
    await a.restrict('mod', 'Mallory', null);
    expect(await c.restriction('mod', 'mallory')).toEqual({ untilMs: null });
    expect(await c.restriction('other', 'mallory')).toBeNull();
    const untilMs = Date.now() + 300;
    await b.restrict('mod', 'eve', untilMs);
    expect(await c.restriction('mod', 'eve')).toEqual({ untilMs });
    await until(async () => (await a.restriction('mod', 'eve')) === null, { what: 'the timeout to end' });
    await b.lift('mod', 'mallory');
    expect(await c.restriction('mod', 'mallory')).toBeNull();
    expect(await a.restriction('mod', 'mallory')).toBeNull();
  });

  it('shares settings and sums chatter counts over pods', async () => {
    const [a, b] = [await pod(), await pod()];
    expect(await b.settings('settings')).toEqual(DEFAULT_ROOM_SETTINGS);
    const slow = { ...DEFAULT_ROOM_SETTINGS, slowSeconds: 30, blockedTerms: ['spoiler'] };
    await a.saveSettings('settings', slow);
    expect(await b.settings('settings')).toEqual(slow);

    await a.reportChatters('count', 3);
    await b.reportChatters('count', 4);
    expect(await a.chatters('count')).toBe(7);
    await b.reportChatters('count', 0);
    expect(await a.chatters('count')).toBe(3);
  });

  it('stops counting a pod that no longer refreshes its chatters', async () => {
    const a = await pod({ chatterTtlMs: 200, podId: 'pod-a' });
    const b = await pod({ chatterTtlMs: 200 });
    await a.reportChatters('ttl', 2);
    await b.reportChatters('ttl', 5);
    expect(await a.chatters('ttl')).toBe(7);
    await b.close(); // its refresh stops
    await until(async () => (await a.chatters('ttl')) === 2, { what: 'pod B’s count to expire' });
    // Pod A's own refresh keeps it counted past the expiry of its first report.
    const expiresAt = async () => Number((await admin.hGet(`${prefix}chatters:ttl`, 'pod-a'))?.split(':')[1]);
    const firstExpiry = await expiresAt();
    await until(async () => Date.now() > firstExpiry + 50 && (await expiresAt()) > firstExpiry, {
      what: 'pod A to refresh its count past its first expiry',
    });
    expect(await a.chatters('ttl')).toBe(2);
  });
});
