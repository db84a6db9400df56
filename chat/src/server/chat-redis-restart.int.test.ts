import type { Platform } from '@glint/platform';
import { type RedisServer, startRedisServer, until } from '@glint/testkit';
import { openTestPlatform } from '@glint/testkit/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestChatClient } from '../../test/chat-test-client.ts';
import { startTestPod, type TestPod, testUser } from '../../test/chat-test-pod.ts';
import { RedisChatBus } from '../adapters/redis-chat-bus.ts';
import type { SequencedEvent } from '../protocol/types.ts';

/** Two pods on a Redis of their own, which the test kills and restarts (no persistence: it comes back empty). */
const room = 'restart_room';
let redis: RedisServer;
let platform: Platform;
const buses: RedisChatBus[] = [];
const pods: TestPod[] = [];
const clients: TestChatClient[] = [];
let token: string;

async function connect(pod: TestPod, bearer?: string, since?: number): Promise<TestChatClient> {
  const client = await TestChatClient.open(pod.url, bearer ? { bearer } : {});
  clients.push(client);
  await client.join(room, since);
  return client;
}

/** Every seq a client has had in the room, from its joined history and its events, in the order received. */
function seqsOf(client: TestChatClient): number[] {
  return client.frames.flatMap((f) =>
    f.type === 'joined' ? f.history.map((e) => e.seq) : f.type === 'events' ? f.events.map((e) => e.seq) : [],
  );
}

const hasText = (text: string) => (f: { events: readonly SequencedEvent[] }) =>
  f.events.some((e) => e.kind === 'message' && e.text === text);

beforeAll(async () => {
  redis = await startRedisServer();
  ({ platform } = await openTestPlatform([]));
  token = (await testUser(platform, room)).token;
  for (let i = 0; i < 2; i++) {
    const bus = await RedisChatBus.connect({ url: redis.url, keyPrefix: 'restart:' });
    buses.push(bus);
    pods.push(await startTestPod(platform, bus));
  }
}, 30_000);

afterAll(async () => {
  for (const client of clients) client.close();
  for (const pod of pods) await pod.stop();
  for (const bus of buses) await bus.close();
  await platform.close();
  await redis.stop();
});

describe('chat pods when Redis is killed and restarted', () => {
  it('keep local delivery, resume cross-pod delivery, and never deliver an event twice to a client', async () => {
    const [a, b] = pods as [TestPod, TestPod];
    const writer = await connect(a, token);
    const readerA = await connect(a);
    const readerB = await connect(b);
    writer.send({ type: 'send', room, text: 'before' });
    await readerB.next('events', hasText('before'));

    await redis.kill();
    await until(() => buses.every((bus) => !bus.connected), { what: 'both pods to see Redis gone' });
    writer.send({ type: 'send', room, text: 'while down' });
    await readerA.next('events', hasText('while down'));
    await readerA.pingPong();
    await readerB.pingPong(); // pod B still serves its clients

    await redis.restart();
    await until(() => buses.every((bus) => bus.connected), { what: 'both pods to reconnect by themselves' });
    await until(
      async () => {
        writer.send({ type: 'send', room, text: `after ${writer.frames.length}` });
        await writer.pingPong();
        return readerB.events(room).some((e) => e.kind === 'message' && e.text.startsWith('after'));
      },
      { what: 'cross-pod delivery to resume', timeoutMs: 15_000, intervalMs: 200 },
    );

    // A client of B reconnects from the last seq it had: told of a gap (Redis lost its history) or given the rest.
    const lastSeen = Math.max(...seqsOf(readerB));
    const back = await connect(b, undefined, lastSeen);
    const joined = back.frames.find((f) => f.type === 'joined');
    expect(joined?.type === 'joined' && joined.history.every((e) => e.seq > lastSeen)).toBe(true);

    for (const client of [readerA, readerB, writer, back]) {
      const seqs = seqsOf(client);
      expect(new Set(seqs).size).toBe(seqs.length);
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    }
  }, 60_000);
});
