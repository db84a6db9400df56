import { randomUUID } from 'node:crypto';
import { silentLogger } from '@glint/media-core';
import { Platform } from '@glint/platform';
import { until } from '@glint/testkit';
import { createTestDatabase, type TestDatabase } from '@glint/testkit/platform';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestChatClient } from '../../test/chat-test-client.ts';
import { startTestPod, type TestPod, testUser } from '../../test/chat-test-pod.ts';
import { RedisChatBus } from '../adapters/redis-chat-bus.ts';

/** Three chat pods as in production: each its own platform connection and bus, one PostgreSQL, one Redis. */
const REDIS_URL = 'redis://127.0.0.1:6379';
const prefix = `test:chat-pods:${randomUUID()}:`;
const room = 'pods_room';

let database: TestDatabase;
const platforms: Platform[] = [];
const buses: RedisChatBus[] = [];
const pods: TestPod[] = [];
const clients: TestChatClient[] = [];
const tokens: Record<string, string> = {};

async function connect(pod: TestPod, login?: string): Promise<TestChatClient> {
  const client = await TestChatClient.open(pod.url, login ? { bearer: tokens[login] as string } : {});
  clients.push(client);
  await client.join(room);
  return client;
}

const texts = (client: TestChatClient) =>
  client.events(room).flatMap((e) => (e.kind === 'message' ? [`${e.seq}:${e.text}`] : []));

beforeAll(async () => {
  database = await createTestDatabase('postgres');
  for (let i = 0; i < 3; i++) {
    const platform = await Platform.open({ databaseUrl: database.url, logger: silentLogger, reconnectGraceMs: 5000 });
    platforms.push(platform);
    const bus = await RedisChatBus.connect({ url: REDIS_URL, keyPrefix: prefix, podId: `pod-${i}` });
    buses.push(bus);
    pods.push(await startTestPod(platform, bus));
  }
  for (const login of [room, 'talker', 'chatty', 'returner'])
    tokens[login] = (await testUser(platforms[0]!, login)).token;
}, 30_000);

afterAll(async () => {
  for (const client of clients) client.close();
  for (const pod of pods) await pod.stop();
  for (const bus of buses) await bus.close();
  for (const platform of platforms) await platform.close();
  await database?.drop();
  const admin = createClient({ url: REDIS_URL });
  await admin.connect();
  for await (const keys of admin.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
    if (keys.length > 0) await admin.del(keys);
  }
  await admin.close();
});

describe('three chat pods on one Redis', () => {
  it('delivers messages sent on A and B to A, B and C in the same order', async () => {
    const [a, b, c] = pods as [TestPod, TestPod, TestPod];
    const readers = [await connect(a), await connect(b), await connect(c)];
    const onA = await connect(a, room);
    const onB = await connect(b, room);
    for (let i = 0; i < 10; i++) {
      onA.send({ type: 'send', room, text: `a${i}` });
      onB.send({ type: 'send', room, text: `b${i}` });
    }
    for (const reader of readers) await reader.eventsUntil(room, 20);
    const [first, ...others] = readers.map(texts);
    expect(first).toHaveLength(20);
    for (const other of others) expect(other).toEqual(first);
    const seqs = first!.map((t) => Number(t.split(':')[0]));
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    expect(new Set(seqs).size).toBe(20);
  });

  it('blocks a user banned on A from sending on C, and holds rate limits across pods', async () => {
    const [a, b, c] = pods as [TestPod, TestPod, TestPod];
    const broadcaster = await connect(a, room);
    const talkerOnC = await connect(c, 'talker');
    const watcherOnB = await connect(b);
    talkerOnC.send({ type: 'send', room, text: 'before' });
    await watcherOnB.next('events', (f) => f.events.some((e) => e.kind === 'message' && e.text === 'before'));
    broadcaster.send({ type: 'mod', room, action: { kind: 'ban', login: 'talker' } });
    await talkerOnC.next('events', (f) => f.events.some((e) => e.kind === 'banned' && e.login === 'talker'));
    expect(await talkerOnC.refused({ type: 'send', room, text: 'after' })).toMatchObject({ code: 'BANNED' });

    const chattyOnA = await connect(a, 'chatty');
    const chattyOnB = await connect(b, 'chatty');
    chattyOnA.send({ type: 'send', room, text: 'once' });
    await chattyOnA.next('events', (f) => f.events.some((e) => e.kind === 'message' && e.text === 'once'));
    expect(await chattyOnB.refused({ type: 'send', room, text: 'twice' })).toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('lets a user unbanned on A speak on C at once (C drops what it cached about them)', async () => {
    const [a, , c] = pods as [TestPod, TestPod, TestPod];
    const broadcaster = await connect(a, room);
    const returnerOnC = await connect(c, 'returner');
    broadcaster.send({ type: 'mod', room, action: { kind: 'ban', login: 'returner' } });
    await returnerOnC.next('events', (f) => f.events.some((e) => e.kind === 'banned' && e.login === 'returner'));
    expect(await returnerOnC.refused({ type: 'send', room, text: 'let me in' })).toMatchObject({ code: 'BANNED' });
    broadcaster.send({ type: 'mod', room, action: { kind: 'unban', login: 'returner' } });
    await returnerOnC.next('events', (f) => f.events.some((e) => e.kind === 'unbanned' && e.login === 'returner'));
    await until(
      async () => {
        const from = returnerOnC.frames.length;
        returnerOnC.send({ type: 'send', room, text: 'thanks' });
        await returnerOnC.pingPong();
        return returnerOnC.frames.slice(from).every((f) => f.type !== 'error');
      },
      { what: 'the unbanned user to be heard', timeoutMs: 3000, intervalMs: 100 },
    );
  });

  it('counts chatters across pods', async () => {
    const [a] = pods as [TestPod];
    const client = await connect(a);
    const counts = await client.next('counts', (f) => f.chatters >= 3, client.frames.length);
    expect(counts.room).toBe(room);
  }, 10_000);
});
