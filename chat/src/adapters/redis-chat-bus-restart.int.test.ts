import { type RedisServer, startRedisServer, until } from '@glint/testkit';
import { createClient } from 'redis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_ROOM_SETTINGS } from '../hub/chat-bus.ts';
import type { RoomEvent, SequencedEvent } from '../protocol/types.ts';
import { RedisChatBus } from './redis-chat-bus.ts';

const said = (text: string): RoomEvent => ({ kind: 'cleared', by: text });
const label = (event: SequencedEvent) => (event.kind === 'cleared' ? event.by : event.kind);

let redis: RedisServer;
let pods: RedisChatBus[] = [];

/** Three pods, each with one subscriber to `room`, collecting what it receives. */
async function threePods(room: string): Promise<SequencedEvent[][]> {
  pods = await Promise.all([0, 1, 2].map(() => RedisChatBus.connect({ url: redis.url, keyPrefix: 'restart:' })));
  const seen = pods.map(() => [] as SequencedEvent[]);
  await Promise.all(pods.map((pod, i) => pod.subscribe(room, (event) => seen[i]?.push(event))));
  return seen;
}

function expectStrictlyIncreasing(events: readonly SequencedEvent[]): void {
  for (let i = 1; i < events.length; i += 1) {
    expect((events[i] as SequencedEvent).seq).toBeGreaterThan((events[i - 1] as SequencedEvent).seq);
  }
}

beforeEach(async () => {
  redis = await startRedisServer();
});

afterEach(async () => {
  await Promise.all(pods.map((pod) => pod.close()));
  pods = [];
  await redis.stop();
});

describe('RedisChatBus when Redis is killed and restarted (no persistence)', () => {
  it('delivers locally while Redis is down, resumes cross-pod delivery by itself, seqs stay monotonic', async () => {
    const seen = await threePods('live');
    const [a, b, c] = pods as [RedisChatBus, RedisChatBus, RedisChatBus];
    for (const [i, pod] of pods.entries()) {
      await pod.publish('live', said(`before-${i}-1`));
      await pod.publish('live', said(`before-${i}-2`));
    }
    await until(() => seen.every((events) => events.length === 6), { what: 'six events on every pod' });
    expect(seen[1]).toEqual(seen[0]);
    expect(seen[2]).toEqual(seen[0]);
    await a.restrict('live', 'mallory', null);
    expect(await c.restriction('live', 'mallory')).toEqual({ untilMs: null });
    const limitKey = 'flooder';
    expect(await b.hit(limitKey, 1, 60_000)).toBe(0);

    await redis.kill();
    await until(() => pods.every((pod) => !pod.connected), { what: 'every pod to see Redis gone' });

    // Local delivery goes on; nothing throws into the caller.
    const local = await Promise.all(pods.map((pod, i) => pod.publish('live', said(`down-${i}`))));
    expect(local.map((event) => event.seq)).toEqual([7, 7, 7]); // above the last seq each pod knew
    for (const [i, events] of seen.entries()) {
      expect(events.map(label).slice(6)).toEqual([`down-${i}`]); // this pod's own event, no one else's
    }
    expect(pods.every((pod) => !pod.connected)).toBe(true);
    // A banned user stays banned on the pod that saw the ban; counters fail open with a local limiter.
    expect(await c.restriction('live', 'mallory')).toEqual({ untilMs: null });
    expect(await b.hit(limitKey, 1, 60_000)).toBe(0);
    expect(await b.hit(limitKey, 1, 60_000)).toBeGreaterThan(0);
    // History while down: what this pod delivered.
    expect((await b.history('live', { sinceSeq: 6, limit: 50 })).events.map(label)).toEqual(['down-1']);

    await redis.restart();
    await until(() => pods.every((pod) => pod.connected), { what: 'every pod to reconnect by itself' });

    // Cross-pod delivery resumes: each pod's next event reaches the other two.
    for (const [i, pod] of pods.entries()) {
      const text = `after-${i}`;
      await pod.publish('live', said(text));
      await until(() => seen.every((events) => events.some((event) => label(event) === text)), {
        what: `${text} on every pod`,
        detail: () => JSON.stringify(seen.map((events) => events.map(label))),
      });
    }
    const after = seen.map((events) => events.filter((event) => label(event).startsWith('after-')));
    expect(after[1]).toEqual(after[0]);
    expect(after[2]).toEqual(after[0]);
    const firstAfter = after[0]?.[0]?.seq ?? 0;
    expect(firstAfter).toBeGreaterThan(7); // never reusing a seq delivered while down
    for (const events of seen) {
      expectStrictlyIncreasing(events); // monotonic, so no subscriber saw a seq twice
      expect(events.map(label).filter((text) => text.startsWith('before-'))).toHaveLength(6);
    }

    // Redis lost the history: resuming from before the restart is a gap; from after it, complete.
    const resumeOld = await a.history('live', { sinceSeq: 6, limit: 50 });
    expect(resumeOld.gap).toBe(true);
    expect(resumeOld.events.map(label)).toEqual(['after-0', 'after-1', 'after-2']);
    const resumeNew = await c.history('live', { sinceSeq: firstAfter, limit: 50 });
    expect(resumeNew).toMatchObject({ gap: false, seq: firstAfter + 2 });
    expect(resumeNew.events.map(label)).toEqual(['after-1', 'after-2']);

    // Redis lost the ban with its data; the pods that held it wrote it back when they reconnected.
    expect(await b.restriction('live', 'mallory')).toEqual({ untilMs: null });
  });

  it('catches up from history what a dropped pub/sub connection missed, each event once', async () => {
    const seen = await threePods('burst');
    const [a, b] = pods as [RedisChatBus, RedisChatBus];
    await a.publish('burst', said('first'));
    await until(() => seen.every((events) => events.length === 1), { what: 'the first event on every pod' });
    const admin = createClient({ url: redis.url });
    await admin.connect();
    try {
      await admin.clientKill({ filter: 'TYPE', type: 'pubsub' }); // every pod's subscriber connection drops
      for (let n = 0; n < 100; n += 1) await b.publish('burst', said(`burst-${n}`)); // some while they reconnect
    } finally {
      await admin.close();
    }
    await until(() => seen.every((events) => events.length === 101), {
      what: '101 events on every pod',
      detail: () => JSON.stringify(seen.map((events) => events.length)),
    });
    for (const events of seen) {
      expect(events.map((event) => event.seq)).toEqual(Array.from({ length: 101 }, (_, n) => n + 1));
    }
  });

  it('subscribes and writes made while Redis is down take effect when it is back', async () => {
    await threePods('live');
    const [a, b, c] = pods as [RedisChatBus, RedisChatBus, RedisChatBus];
    await redis.kill();
    // Right after the kill, before the pod has noticed: still no throw, delivered on this pod.
    expect(await a.publish('live', said('right-after-kill'))).toMatchObject({ seq: 1 });
    expect(await a.hit('someone', 5, 1000)).toBe(0);
    await until(() => pods.every((pod) => !pod.connected), { what: 'every pod to see Redis gone' });
    const late: SequencedEvent[] = [];
    await c.subscribe('late', (event) => late.push(event)); // returns at once; the SUBSCRIBE waits for Redis
    await a.restrict('live', 'troll', null);
    await a.saveSettings('live', { ...DEFAULT_ROOM_SETTINGS, emoteOnly: true });
    await b.reportChatters('live', 4);
    expect(await b.publish('nobody-here', said('x'))).toMatchObject({ seq: 1 }); // no subscriber, no throw
    await redis.restart();
    await until(() => pods.every((pod) => pod.connected), { what: 'every pod to reconnect' });
    expect(await c.restriction('live', 'troll')).toEqual({ untilMs: null });
    expect((await b.settings('live')).emoteOnly).toBe(true);
    await until(async () => (await a.chatters('live')) === 4, { what: 'pod B’s chatters written back' });
    await until(
      async () => {
        await a.publish('late', said('hello'));
        return late.length > 0;
      },
      { what: 'pod C to receive the room it subscribed to while Redis was down' },
    );
    expect(late.map(label)[0]).toBe('hello');
  });

  it('keeps every subscriber’s seqs strictly increasing when Redis dies under a steady load from every pod', async () => {
    const seen = await threePods('steady');
    let phase = 'before';
    let running = true;
    const sent: SequencedEvent[] = [];
    // Each pod publishes back to back (one in flight at a time) until told to stop; none may throw. While Redis is
    // down a publish settles without I/O, so each turn yields to the event loop (as a socket-driven server does).
    const loops = pods.map(async (pod, i) => {
      for (let n = 0; running; n += 1) {
        sent.push(await pod.publish('steady', said(`${phase}-${i}-${n}`)));
        await new Promise((resolve) => setImmediate(resolve));
      }
    });
    const count = () => sent.length;
    const atLeast = async (n: number, what: string) => until(() => count() >= n, { what });
    await atLeast(30, '30 events before the kill');
    await redis.kill();
    phase = 'down';
    await until(() => pods.every((pod) => !pod.connected), { what: 'every pod to see Redis gone' });
    await atLeast(count() + 30, '30 events while Redis is down');
    await redis.restart();
    await until(() => pods.every((pod) => pod.connected), { what: 'every pod to reconnect' });
    phase = 'after';
    await atLeast(count() + 60, '60 events after the restart');
    running = false;
    await Promise.all(loops);

    const afterLabels = (events: readonly SequencedEvent[]) =>
      events.filter((event) => label(event).startsWith('after-')).map((event) => `${event.seq}:${label(event)}`);
    const published = afterLabels(
      sent.filter((event) => label(event).startsWith('after-')).sort((x, y) => x.seq - y.seq),
    );
    await until(() => seen.every((events) => afterLabels(events).length === published.length), {
      what: 'every event published after the restart on every pod',
      detail: () => JSON.stringify(seen.map((events) => afterLabels(events).length)),
    });
    for (const events of seen) {
      expectStrictlyIncreasing(events);
      expect(afterLabels(events)).toEqual(published);
    }
  });

  it('fails to connect with REDIS_UNAVAILABLE when Redis does not answer', async () => {
    await redis.kill();
    const connecting = RedisChatBus.connect({ url: redis.url, keyPrefix: 'restart:', connectTimeoutMs: 300 });
    await expect(connecting).rejects.toMatchObject({ name: 'ChatBusError', code: 'REDIS_UNAVAILABLE' });
  });
});
