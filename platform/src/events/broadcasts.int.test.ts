import { silentLogger } from '@glint/media-core';
import { type BroadcastEvent, Platform } from '@glint/platform';
import { until } from '@glint/testkit';
import { createTestDatabase, TEST_DIALECTS, type TestDatabase } from '@glint/testkit/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe.each(TEST_DIALECTS)('broadcasts on %s', (dialect) => {
  let database: TestDatabase;
  let platform: Platform;
  const seen: BroadcastEvent[] = [];
  const of = (channel: string, type: BroadcastEvent['type']) =>
    seen.filter((e) => e.channel === channel && e.type === type);

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    platform = await Platform.open({ databaseUrl: database.url, logger: silentLogger, reconnectGraceMs: 150 });
    platform.events.broadcast.add((e) => seen.push(e));
  });
  afterAll(async () => {
    await platform?.close();
    await database?.drop();
  });

  it('a stream that reconnects within the grace period stays one broadcast: one go-live, one offline', async () => {
    await platform.seedChannel('alice', 'Alice');
    platform.broadcasts.streamStarted('alice');
    platform.broadcasts.streamEnded('alice');
    platform.broadcasts.streamStarted('alice');
    platform.broadcasts.streamEnded('alice');
    platform.broadcasts.streamStarted('alice');
    await platform.broadcasts.settled();
    const live = of('alice', 'stream.online');
    expect(live).toHaveLength(1);
    const broadcastId = live[0]?.broadcastId;
    expect(platform.broadcasts.onAir('alice')?.broadcastId).toBe(broadcastId);
    expect((await platform.channels.get('alice'))?.liveBroadcastId).toBe(broadcastId);

    platform.broadcasts.streamEnded('alice');
    await until(() => of('alice', 'stream.offline').length === 1, { what: 'the offline event after the grace' });
    await platform.broadcasts.settled();
    expect(of('alice', 'stream.offline')[0]?.broadcastId).toBe(broadcastId);
    expect(of('alice', 'stream.online')).toHaveLength(1);
    expect((await platform.channels.get('alice'))?.liveBroadcastId).toBeNull();
    const rows = await platform.database.db
      .selectFrom('broadcasts')
      .selectAll()
      .where('channel', '=', 'alice')
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.ended_at).not.toBeNull();
  });

  it('a stream back after the grace period is a new broadcast with its own go-live', async () => {
    await platform.seedChannel('bob', 'Bob');
    platform.broadcasts.streamStarted('bob');
    platform.broadcasts.streamEnded('bob');
    await until(() => of('bob', 'stream.offline').length === 1, { what: 'the first broadcast to end' });
    platform.broadcasts.streamStarted('bob');
    await platform.broadcasts.settled();
    const live = of('bob', 'stream.online');
    expect(live).toHaveLength(2);
    expect(live[1]?.broadcastId).not.toBe(live[0]?.broadcastId);
    const page = await platform.broadcasts.list('bob', {});
    expect(page.items.map((b) => b.id)).toEqual([live[1]?.broadcastId, live[0]?.broadcastId]);
    expect(page.items[0]?.endedAt).toBeNull();
    expect(page.items[1]?.endedAt).toBeTypeOf('number');
  });

  it('peak and average viewers come from the samples, in the offline event and the record', async () => {
    await platform.seedChannel('carol', 'Carol');
    platform.broadcasts.streamStarted('carol');
    for (const viewers of [3, 7, 5, 4]) platform.broadcasts.sampleViewers('carol', viewers);
    platform.broadcasts.streamEnded('carol');
    await until(() => of('carol', 'stream.offline').length === 1, { what: 'carol’s broadcast to end' });
    expect(of('carol', 'stream.offline')[0]).toMatchObject({ peakViewers: 7, averageViewers: 5 });
    await platform.broadcasts.settled();
    const [broadcast] = (await platform.broadcasts.list('carol', {})).items;
    expect(broadcast).toMatchObject({ peakViewers: 7, averageViewers: 5 });
  });

  it('recover() ends the broadcasts a previous process left open and clears live channels', async () => {
    await platform.seedChannel('dave', 'Dave');
    const { db } = platform.database;
    await db
      .insertInto('broadcasts')
      .values({ id: '00000000000000000aa', channel: 'dave', title: 'left open', started_at: 1, ended_at: null })
      .execute();
    await db
      .updateTable('channels')
      .set({ live_broadcast_id: '00000000000000000aa' })
      .where('name', '=', 'dave')
      .execute();
    await platform.broadcasts.recover();
    const row = await db
      .selectFrom('broadcasts')
      .selectAll()
      .where('id', '=', '00000000000000000aa')
      .executeTakeFirst();
    expect(row?.ended_at).toBeTypeOf('number');
    expect((await platform.channels.get('dave'))?.liveBroadcastId).toBeNull();
  });

  it('a broadcast list pages newest first with a cursor', async () => {
    await platform.seedChannel('erin', 'Erin');
    const { db } = platform.database;
    const ids = ['0000000000000000001', '0000000000000000002', '0000000000000000003'];
    for (const id of ids) {
      await db
        .insertInto('broadcasts')
        .values({ id, channel: 'erin', title: id, started_at: 1, ended_at: 2 })
        .execute();
    }
    const first = await platform.broadcasts.list('erin', { limit: 2 });
    expect(first.items.map((b) => b.id)).toEqual([ids[2], ids[1]]);
    const second = await platform.broadcasts.list('erin', { limit: 2, cursor: first.nextCursor ?? '' });
    expect(second.items.map((b) => b.id)).toEqual([ids[0]]);
    expect(second.nextCursor).toBeNull();
  });
});
