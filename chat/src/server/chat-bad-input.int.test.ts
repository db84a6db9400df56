import type { Platform } from '@glint/platform';
import { until } from '@glint/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { TestChatClient } from '../../test/chat-test-client.ts';
import { type ChatTestbed, startChatTestbed, startTestPod, type TestPod } from '../../test/chat-test-pod.ts';
import { MemoryChatBus } from '../adapters/memory-chat-bus.ts';
import { CLOSE_CODES, MAX_CLIENT_FRAME_BYTES } from '../protocol/types.ts';

const room = 'busy_room';
let bed: ChatTestbed;
let platform: Platform;
let pod: TestPod;
let tokens: ChatTestbed['tokens'];
/** Every client opened here (the per-address test closes them all but the bystander). */
const clients: TestChatClient[] = [];
/** A client that keeps being served while others misbehave. */
let bystander: TestChatClient;

async function connect(login?: string): Promise<TestChatClient> {
  const client = await bed.connect(login);
  clients.push(client);
  return client;
}

beforeAll(async () => {
  bed = await startChatTestbed([room, 'other_room', 'third_room', 'writer'], {
    limits: { maxConnectionsPerAddress: 12, maxRoomsPerConnection: 2, framesPerSecond: 20 },
  });
  ({ platform, pod, tokens } = bed);
  bystander = await connect();
  await bystander.join(room);
});

afterAll(() => bed.close());

describe('bad input', () => {
  it('answers non-JSON, unknown types, bad fields and binary frames with an error and keeps the connection', async () => {
    const client = await connect('writer');
    client.ws.send('this is not json');
    expect(await client.next('error')).toMatchObject({ code: 'BAD_FRAME' });
    expect(await client.refused({ type: 'shout', room })).toMatchObject({ code: 'UNKNOWN_TYPE' });
    expect(await client.refused({ type: 'join', room: '../etc' })).toMatchObject({ code: 'BAD_FRAME' });
    expect(await client.refused({ type: 'send', room, text: 'a\u0007bell' })).toMatchObject({ code: 'BAD_FRAME' });
    expect(await client.refused({ type: 'send', room, text: 'x'.repeat(501) })).toMatchObject({
      code: 'MESSAGE_TOO_LONG',
    });
    const from = client.frames.length;
    client.ws.send(Buffer.from('{"type":"ping"}'), { binary: true });
    expect(await client.next('error', () => true, from)).toMatchObject({ code: 'BAD_FRAME' });
    await client.pingPong();
  });

  it('delivers a script tag as inert text, exactly as sent', async () => {
    const writer = await connect('writer');
    await writer.join(room);
    const text = '<script>alert("x")</script><img src=x onerror=alert(1)> & &amp;';
    writer.send({ type: 'send', room, text });
    const frame = await bystander.next('events', (f) => f.events.some((e) => e.kind === 'message'));
    expect(frame.events[0]).toMatchObject({ kind: 'message', text, user: { login: 'writer' } });
  });

  it('closes a connection that sends a frame over the size limit (1009)', async () => {
    const client = await connect();
    client.ws.send(JSON.stringify({ type: 'send', room, text: 'x'.repeat(MAX_CLIENT_FRAME_BYTES) }));
    expect((await client.closed).code).toBe(1009);
    await bystander.pingPong();
  });

  it('closes a connection that sends invalid UTF-8 in a text frame (1007)', async () => {
    const client = await connect();
    client.ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    expect((await client.closed).code).toBe(1007);
    await bystander.pingPong();
  });

  it('closes a flooding connection (4002) while others are served', async () => {
    const flooder = await connect();
    for (let i = 0; i < 100; i++) flooder.ws.send('{"type":"ping"}');
    expect((await flooder.closed).code).toBe(CLOSE_CODES.flood);
    await bystander.pingPong();
  });

  it('refuses joining more rooms than the limit', async () => {
    const client = await connect();
    await client.join(room);
    await client.join('other_room');
    expect(await client.refused({ type: 'join', room: 'third_room' })).toMatchObject({ code: 'TOO_MANY_ROOMS' });
    client.send({ type: 'leave', room: 'other_room' });
    await client.join('third_room');
  });

  it('refuses connections past the per-address limit with 429 before the upgrade', async () => {
    for (const client of clients.filter((c) => c !== bystander)) client.close();
    await Promise.all(clients.filter((c) => c !== bystander).map((c) => c.closed));
    const open: TestChatClient[] = [];
    while (pod.server.connectionCount < 12) open.push(await connect());
    const refused = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(pod.url);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => reject(new Error('a connection past the limit was accepted')));
      ws.on('error', () => {});
    });
    expect(refused).toBe(429);
    await bystander.pingPong();
    for (const client of open) client.close();
    await Promise.all(open.map((c) => c.closed));
    (await connect()).close();
  });

  it('answers a path other than /chat with 404', async () => {
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(pod.url.replace('/chat', '/elsewhere'));
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => {});
    });
    expect(status).toBe(404);
  });
});

describe('fan-out', () => {
  it('batches a burst into fewer frames than messages, in seq order, the first at once', async () => {
    const writer = await connect(room); // the broadcaster: no rate limit
    await writer.join(room);
    const reader = await connect();
    const joined = await reader.join(room);
    const count = 15;
    for (let i = 0; i < count; i++) writer.send({ type: 'send', room, text: `burst ${i}` });
    const events = await reader.eventsUntil(room, count);
    expect(events.map((e) => e.kind === 'message' && e.text)).toEqual(
      Array.from({ length: count }, (_, i) => `burst ${i}`),
    );
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: count }, (_, i) => joined.seq + 1 + i));
    const frames = reader.frames.filter((f) => f.type === 'events');
    expect(frames.length).toBeLessThan(count);
    expect(frames[0]?.type === 'events' && frames[0].events).toHaveLength(1);
  });

  it('gives each of a crowd joining during a stream of messages every seq once, without holes', async () => {
    const crowdPod = await startTestPod(platform, new MemoryChatBus(), { limits: { framesPerSecond: 500 } });
    try {
      const writer = await TestChatClient.open(crowdPod.url, { bearer: tokens[room] as string });
      await writer.join(room);
      const crowd = await Promise.all(Array.from({ length: 30 }, () => TestChatClient.open(crowdPod.url)));
      const total = 18;
      let sent = 0;
      const sending = (async () => {
        while (sent < total) {
          writer.send({ type: 'send', room, text: `m${sent++}` });
          await writer.pingPong();
        }
      })();
      await Promise.all(crowd.map((client) => client.join(room)));
      await sending;
      const last = (await writer.eventsUntil(room, total)).at(-1)!.seq;
      for (const client of crowd) {
        await until(
          () =>
            client.events(room).at(-1)?.seq === last ||
            client.frames.some((f) => f.type === 'joined' && f.seq === last),
          { what: 'the last message' },
        );
        const seqs = client.frames.flatMap((f) =>
          f.type === 'joined' ? f.history.map((e) => e.seq) : f.type === 'events' ? f.events.map((e) => e.seq) : [],
        );
        const first = seqs[0] ?? last + 1;
        expect(seqs).toEqual(Array.from({ length: last - first + 1 }, (_, i) => first + i));
      }
      for (const client of [writer, ...crowd]) client.close();
    } finally {
      await crowdPod.stop();
    }
  });

  it('drops a member whose outgoing buffer passes the cap (4000) and keeps serving the others', async () => {
    const bus = new MemoryChatBus({ historyLimit: 10 });
    const slowPod = await startTestPod(platform, bus, { limits: { maxBufferedBytes: 256 * 1024 } });
    try {
      const slow = await TestChatClient.open(slowPod.url);
      const fast = await TestChatClient.open(slowPod.url);
      for (const c of [slow, fast]) await c.join(room);
      // The slow client stops reading: the kernel's buffers fill, then the server's, until the cap.
      (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
      const user = { login: room, displayName: room, badges: [] };
      const text = 'y'.repeat(4000);
      let published = 0;
      while (slowPod.server.connectionCount > 1 && published < 50_000) {
        for (let i = 0; i < 100; i++) {
          await bus.publish(room, { kind: 'message', id: `m${published}`, user, text, emotes: [], atMs: Date.now() });
          published++;
        }
        await fast.eventsUntil(room, published);
      }
      expect(slowPod.server.connectionCount).toBe(1);
      (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
      expect((await slow.closed).code).toBe(CLOSE_CODES.slowConsumer);
      await fast.pingPong();
    } finally {
      await slowPod.stop();
    }
  }, 60_000);
});
