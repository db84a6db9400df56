import { Listeners } from '@glint/media-core';
import { describe, expect, it } from 'vitest';
import { markEmotes } from './emote-parser.ts';
import { EmoteSets, type EmoteSource } from './emote-sets.ts';

/** A source whose channel lists a test sets, counting reads; a list may be made to fail or wait. */
function fakeSource() {
  const lists = new Map<string, { id: string; code: string; subscriberOnly: boolean }[]>();
  const reads: string[] = [];
  let failing = false;
  let gate: Promise<void> | null = null;
  const source: EmoteSource = {
    async list(channel) {
      reads.push(channel);
      if (gate) await gate;
      if (failing) throw new Error('database down');
      return lists.get(channel) ?? [];
    },
    global: () => [{ id: 'global-glintGG', code: 'glintGG' }],
  };
  return {
    source,
    lists,
    reads,
    fail: (on: boolean) => {
      failing = on;
    },
    hold: () => {
      let open = () => {};
      gate = new Promise<void>((resolve) => {
        open = resolve;
      });
      return () => {
        gate = null;
        open();
      };
    },
  };
}

describe('EmoteSets', () => {
  it('gives the globals and the channel set (the channel wins on a shared code), read once per TTL', async () => {
    const fake = fakeSource();
    fake.lists.set('alice', [
      { id: 'c1', code: 'aliceHype', subscriberOnly: false },
      { id: 'c2', code: 'glintGG', subscriberOnly: true },
    ]);
    let now = 1000;
    const sets = new EmoteSets(fake.source, { ttlMs: 30_000, nowMs: () => now });
    const set = await sets.get('alice');
    expect([...set.keys()].sort()).toEqual(['aliceHype', 'glintGG']);
    expect(set.get('glintGG')?.id).toBe('c2');
    expect(markEmotes('aliceHype glintGG', set, false)).toEqual([{ id: 'c1', start: 0, end: 9 }]);
    const bob = await sets.get('bob');
    expect(markEmotes('glintGG', bob, false)).toEqual([{ id: 'global-glintGG', start: 0, end: 7 }]);
    now += 29_999;
    await sets.get('alice');
    expect(fake.reads).toEqual(['alice', 'bob']);
  });

  it('shares one read among concurrent first gets', async () => {
    const fake = fakeSource();
    const open = fake.hold();
    const sets = new EmoteSets(fake.source);
    const gets = Promise.all([sets.get('alice'), sets.get('alice'), sets.get('alice')]);
    open();
    const [a, b, c] = await gets;
    expect(a).toBe(b);
    expect(b).toBe(c);
    expect(fake.reads).toEqual(['alice']);
  });

  it('serves the expired set at once while one read refreshes it, then the new one', async () => {
    const fake = fakeSource();
    fake.lists.set('alice', [{ id: 'old', code: 'aliceHype', subscriberOnly: false }]);
    let now = 0;
    const sets = new EmoteSets(fake.source, { ttlMs: 1000, nowMs: () => now });
    const first = await sets.get('alice');
    fake.lists.set('alice', [{ id: 'new', code: 'aliceHype', subscriberOnly: false }]);
    now = 1000;
    const open = fake.hold();
    expect(await sets.get('alice')).toBe(first);
    expect(await sets.get('alice')).toBe(first);
    expect(fake.reads).toEqual(['alice', 'alice']);
    open();
    await new Promise((resolve) => setImmediate(resolve));
    expect((await sets.get('alice')).get('aliceHype')?.id).toBe('new');
    expect(fake.reads).toHaveLength(2);
  });

  it('keeps the last set when a read fails (logged), and the globals when there was none; retries later', async () => {
    const fake = fakeSource();
    fake.lists.set('alice', [{ id: 'c1', code: 'aliceHype', subscriberOnly: false }]);
    let now = 0;
    const warnings: unknown[] = [];
    const logger = { debug() {}, info() {}, error() {}, warn: (fields: object) => warnings.push(fields) };
    const sets = new EmoteSets(fake.source, { ttlMs: 1000, retryMs: 100, nowMs: () => now, logger });
    await sets.get('alice');
    fake.fail(true);
    now = 1000;
    await sets.get('alice');
    await new Promise((resolve) => setImmediate(resolve));
    expect((await sets.get('alice')).get('aliceHype')?.id).toBe('c1');
    expect([...(await sets.get('bob')).keys()]).toEqual(['glintGG']);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatchObject({ channel: 'alice' });
    const reads = fake.reads.length;
    now += 50;
    await sets.get('bob');
    expect(fake.reads).toHaveLength(reads);
    fake.fail(false);
    fake.lists.set('bob', [{ id: 'b1', code: 'bobWave', subscriberOnly: false }]);
    now += 100;
    await sets.get('bob');
    await new Promise((resolve) => setImmediate(resolve));
    expect((await sets.get('bob')).get('bobWave')?.id).toBe('b1');
  });

  it('invalidate makes the next get read again; past maxChannels the oldest sets are dropped', async () => {
    const fake = fakeSource();
    const sets = new EmoteSets(fake.source, { maxChannels: 2 });
    await sets.get('alice');
    sets.invalidate('alice');
    await sets.get('alice');
    expect(fake.reads).toEqual(['alice', 'alice']);
    await sets.get('bob');
    await sets.get('carol');
    await sets.get('alice');
    expect(fake.reads).toEqual(['alice', 'alice', 'bob', 'carol', 'alice']);
    await sets.get('carol');
    expect(fake.reads).toHaveLength(5);
  });

  it('reads a channel again as soon as the source says it changed, and stops listening when closed', async () => {
    const fake = fakeSource();
    const changed = new Listeners<[string]>('test');
    const sets = new EmoteSets({ ...fake.source, changed });
    fake.lists.set('alice', [{ id: 'c1', code: 'aliceHype', subscriberOnly: false }]);
    expect((await sets.get('alice')).has('aliceHype')).toBe(true);
    await sets.get('bob');
    fake.lists.set('alice', [{ id: 'c2', code: 'aliceNew', subscriberOnly: false }]);
    changed.emit('alice');
    expect([...(await sets.get('alice')).keys()].sort()).toEqual(['aliceNew', 'glintGG']);
    await sets.get('bob');
    expect(fake.reads).toEqual(['alice', 'bob', 'alice']);
    expect(changed.size).toBe(1);
    sets.close();
    expect(changed.size).toBe(0);
  });
});
