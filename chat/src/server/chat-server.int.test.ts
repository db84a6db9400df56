import type { Platform } from '@glint/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestChatClient } from '../../test/chat-test-client.ts';
import { type ChatTestbed, startChatTestbed, type TestPod, testClock } from '../../test/chat-test-pod.ts';

const clock = testClock();
let bed: ChatTestbed;
let platform: Platform;
let pod: TestPod;
let tokens: ChatTestbed['tokens'];
const connect = (login?: string) => bed.connect(login);

beforeAll(async () => {
  bed = await startChatTestbed(
    ['history_room', 'rates_room', 'mod_room', 'modes_room', 'alice', 'bob', 'carol', 'dave'],
    { clock, historyLimit: 5, viewers: (room) => room.length },
  );
  ({ platform, pod, tokens } = bed);
});

afterAll(() => bed.close());

describe('ChatServer', () => {
  it('greets a signed-in user by Bearer or cookie and an anonymous one as null', async () => {
    const bearer = await connect('alice');
    expect(bearer.frames[0]).toEqual({
      type: 'hello',
      v: 1,
      user: { login: 'alice', displayName: 'alice', badges: [] },
    });
    const cookie = await TestChatClient.open(pod.url, { cookie: tokens.bob as string });
    expect(cookie.frames[0]).toMatchObject({ type: 'hello', user: { login: 'bob' } });
    cookie.close();
    const anonymous = await connect();
    expect(anonymous.frames[0]).toEqual({ type: 'hello', v: 1, user: null });
  });

  it('delivers messages to every member with badges, keeps history, and catches up a reconnect by seq', async () => {
    const room = 'history_room';
    const owner = await connect(room);
    const reader = await connect();
    expect(await owner.join(room)).toMatchObject({ history: [], gap: false, seq: 0, settings: { slowSeconds: 0 } });
    await reader.join(room);
    for (const text of ['one', 'two', 'three']) owner.send({ type: 'send', room, text });
    const received = await reader.eventsUntil(room, 3);
    expect(received.map((e) => [e.seq, e.kind === 'message' && e.text])).toEqual([
      [1, 'one'],
      [2, 'two'],
      [3, 'three'],
    ]);
    expect(received[0]).toMatchObject({
      kind: 'message',
      user: { login: room, displayName: room, badges: [{ kind: 'broadcaster' }] },
      emotes: [],
    });
    expect(typeof (received[0] as { id: string }).id).toBe('string');
    const late = await connect();
    expect((await late.join(room)).history.map((e) => e.seq)).toEqual([1, 2, 3]);
    const back = await connect();
    expect(await back.join(room, 1)).toMatchObject({ gap: false, seq: 3, history: [{ seq: 2 }, { seq: 3 }] });
    // The bus keeps 5 events here: a client last at seq 1 after 7 events has lost some, and is told so.
    for (const text of ['four', 'five', 'six', 'seven']) owner.send({ type: 'send', room, text });
    await reader.eventsUntil(room, 7);
    const old = await connect();
    const joined = await old.join(room, 1);
    expect(joined.gap).toBe(true);
    expect(joined.history.map((e) => e.seq)).toEqual([3, 4, 5, 6, 7]);
  });

  it('lets anonymous connections read but not write or moderate', async () => {
    const anonymous = await connect();
    await anonymous.join('history_room');
    expect(await anonymous.refused({ type: 'send', room: 'history_room', text: 'hi', nonce: 'n1' })).toMatchObject({
      code: 'NOT_SIGNED_IN',
      room: 'history_room',
      nonce: 'n1',
    });
    expect(await anonymous.refused({ type: 'mod', room: 'history_room', action: { kind: 'clear' } })).toMatchObject({
      code: 'NOT_SIGNED_IN',
    });
  });

  it('refuses unknown rooms, rooms not joined, and leaves', async () => {
    const client = await connect('alice');
    expect(await client.refused({ type: 'join', room: 'no_such_channel' })).toMatchObject({ code: 'NO_SUCH_ROOM' });
    expect(await client.refused({ type: 'send', room: 'rates_room', text: 'hi' })).toMatchObject({
      code: 'NOT_JOINED',
    });
    await client.join('rates_room');
    client.send({ type: 'leave', room: 'rates_room' });
    expect(await client.refused({ type: 'send', room: 'rates_room', text: 'hi' })).toMatchObject({
      code: 'NOT_JOINED',
    });
  });

  it('limits a user to one message a second, a subscriber to three, the broadcaster not at all', async () => {
    const room = 'rates_room';
    const bob = await connect('bob');
    await bob.join(room);
    bob.send({ type: 'send', room, text: 'first' });
    const limited = await bob.refused({ type: 'send', room, text: 'second', nonce: 'again' });
    expect(limited).toMatchObject({ code: 'RATE_LIMITED', room, nonce: 'again' });
    expect(limited.retryAfterMs).toBeGreaterThan(0);
    expect(limited.retryAfterMs).toBeLessThanOrEqual(1000);
    expect(bob.events(room).filter((e) => e.kind === 'message')).toHaveLength(1);

    const owner = await platform.accounts.userByLogin(room);
    await platform.subscriptions.grant(room, owner!, 'carol', 2, 3);
    const carol = await connect('carol');
    await carol.join(room);
    for (const text of ['a', 'b', 'c']) carol.send({ type: 'send', room, text });
    const refused = await carol.refused({ type: 'send', room, text: 'd' });
    expect(refused.code).toBe('RATE_LIMITED');
    const sent = (await carol.eventsUntil(room, 3)).filter((e) => e.kind === 'message' && e.user.login === 'carol');
    expect(sent).toHaveLength(3);
    expect(sent[0]).toMatchObject({ user: { badges: [{ kind: 'subscriber', months: 3, tier: 2 }] } });

    const broadcaster = await connect(room);
    await broadcaster.join(room);
    for (let i = 0; i < 8; i++) broadcaster.send({ type: 'send', room, text: `b${i}` });
    await broadcaster.pingPong();
    await until8(broadcaster, room);
    expect(broadcaster.frames.some((f) => f.type === 'error')).toBe(false);
  });

  it('applies slow mode to users but not to the broadcaster, with the wait in retryAfterMs', async () => {
    const room = 'modes_room';
    const owner = await connect(room);
    const dave = await connect('dave');
    await owner.join(room);
    await dave.join(room);
    owner.send({ type: 'mod', room, action: { kind: 'slow', seconds: 5 } });
    const settings = await dave.next('events', (f) => f.events.some((e) => e.kind === 'settings'));
    expect(settings.events[0]).toMatchObject({ kind: 'settings', by: room, settings: { slowSeconds: 5 } });
    dave.send({ type: 'send', room, text: 'slowly' });
    await dave.next('events', (f) => f.events.some((e) => e.kind === 'message'));
    clock.advance(2000);
    const slow = await dave.refused({ type: 'send', room, text: 'again' });
    expect(slow.code).toBe('SLOW_MODE');
    expect(slow.retryAfterMs).toBeGreaterThan(2000);
    expect(slow.retryAfterMs).toBeLessThanOrEqual(3000);
    owner.send({ type: 'send', room, text: 'x' });
    owner.send({ type: 'send', room, text: 'y' });
    await owner.next('events', (f) => f.events.some((e) => e.kind === 'message' && e.text === 'y'));
    clock.advance(3100);
    dave.send({ type: 'send', room, text: 'later' });
    await dave.next('events', (f) => f.events.some((e) => e.kind === 'message' && e.text === 'later'));
    owner.send({ type: 'mod', room, action: { kind: 'slow', seconds: 0 } });
    await dave.next('events', (f) => f.events.some((e) => e.kind === 'settings' && e.settings.slowSeconds === 0));
  });

  it('pushes chatter and viewer counts to each room', async () => {
    const client = await connect();
    await client.join('history_room');
    const counts = await client.next('counts', (f) => f.room === 'history_room');
    expect(counts.chatters).toBeGreaterThanOrEqual(1);
    expect(counts.viewers).toBe('history_room'.length);
  }, 10_000);
});

async function until8(client: TestChatClient, room: string): Promise<void> {
  await client.next('events', (f) => f.room === room && f.events.some((e) => e.kind === 'message' && e.text === 'b7'));
}
