import type { Platform } from '@glint/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestChatClient } from '../../test/chat-test-client.ts';
import { type ChatTestbed, startChatTestbed, testClock } from '../../test/chat-test-pod.ts';
import type { ModAction, SequencedEvent } from '../protocol/types.ts';

const room = 'the_channel';
const clock = testClock();
let bed: ChatTestbed;
let platform: Platform;
let bus: ChatTestbed['bus'];
let owner: TestChatClient;
let watcher: TestChatClient;
/** All clients opened, to find one by its user. */
const clients: TestChatClient[] = [];

async function member(login: string): Promise<TestChatClient> {
  const client = await bed.connect(login);
  clients.push(client);
  await client.join(room);
  return client;
}

/** Sends a moderation action and waits until the watcher sees the room event it makes. */
async function act(by: TestChatClient, action: ModAction, seen: (e: SequencedEvent) => boolean) {
  const from = watcher.frames.length;
  by.send({ type: 'mod', room, action });
  return watcher.next('events', (f) => f.events.some(seen), from);
}

/** Waits for the user's own message to come back: it was accepted. */
async function said(client: TestChatClient, text: string) {
  client.send({ type: 'send', room, text });
  const frame = await client.next('events', (f) => f.events.some((e) => e.kind === 'message' && e.text === text));
  clock.advance(1100); // past the user's one-message-a-second window
  return frame.events.find((e) => e.kind === 'message' && e.text === text) as Extract<
    SequencedEvent,
    { kind: 'message' }
  >;
}

beforeAll(async () => {
  bed = await startChatTestbed([room, 'mod_user', 'vip_user', 'viewer_a', 'viewer_b', 'viewer_c', 'api_banned'], {
    clock,
  });
  ({ platform, bus } = bed);
  const broadcaster = await platform.accounts.userByLogin(room);
  await platform.roles.grant(room, broadcaster!, 'moderator', 'mod_user');
  await platform.roles.grant(room, broadcaster!, 'vip', 'vip_user');
  owner = await member(room);
  watcher = await bed.connect();
  await watcher.join(room);
});

afterAll(() => bed.close());

describe('moderation', () => {
  it('is refused to users who are not the broadcaster or a moderator', async () => {
    const viewer = await member('viewer_a');
    const vip = await member('vip_user');
    for (const client of [viewer, vip]) {
      expect(await client.refused({ type: 'mod', room, action: { kind: 'clear' } })).toMatchObject({
        code: 'FORBIDDEN',
        room,
      });
      expect(await client.refused({ type: 'mod', room, action: { kind: 'ban', login: 'viewer_b' } })).toMatchObject({
        code: 'FORBIDDEN',
      });
    }
    expect(await platform.roles.isBanned(room, (await platform.accounts.userByLogin('viewer_b'))!.id)).toBe(false);
  });

  it('shows badges: moderator and VIP', async () => {
    const mod = await member('mod_user');
    const message = await said(mod, 'I moderate');
    expect(message.user.badges).toEqual([{ kind: 'moderator' }]);
    const vip = clients.find((c) => c.frames[0]?.type === 'hello' && JSON.stringify(c.frames[0]).includes('vip_user'));
    const vipMessage = await said(vip!, 'I am important');
    expect(vipMessage.user.badges).toEqual([{ kind: 'vip' }]);
  });

  it('deletes a message and clears the chat, as room events every member gets', async () => {
    const viewer = await member('viewer_c');
    const message = await said(viewer, 'delete me');
    const deleted = await act(owner, { kind: 'delete', messageId: message.id }, (e) => e.kind === 'deleted');
    expect(deleted.events.find((e) => e.kind === 'deleted')).toMatchObject({ messageId: message.id, by: room });
    expect(await owner.refused({ type: 'mod', room, action: { kind: 'delete', messageId: 'nope' } })).toMatchObject({
      code: 'NO_SUCH_MESSAGE',
    });
    const cleared = await act(owner, { kind: 'clear' }, (e) => e.kind === 'cleared');
    expect(cleared.events.find((e) => e.kind === 'cleared')).toMatchObject({ by: room });
  });

  it('times a user out: they cannot send until it ends, with the time left', async () => {
    const viewer = clients.find((c) => JSON.stringify(c.frames[0]).includes('viewer_c'))!;
    const mod = clients.find((c) => JSON.stringify(c.frames[0]).includes('mod_user'))!;
    const frame = await act(mod, { kind: 'timeout', login: 'viewer_c', seconds: 60 }, (e) => e.kind === 'timed-out');
    expect(frame.events.find((e) => e.kind === 'timed-out')).toMatchObject({ login: 'viewer_c', by: 'mod_user' });
    const refused = await viewer.refused({ type: 'send', room, text: 'let me speak' });
    expect(refused.code).toBe('TIMED_OUT');
    expect(refused.retryAfterMs).toBeGreaterThan(55_000);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(60_000);
    // A moderator cannot time out the broadcaster.
    expect(
      await mod.refused({ type: 'mod', room, action: { kind: 'timeout', login: room, seconds: 10 } }),
    ).toMatchObject({ code: 'FORBIDDEN' });
    expect(
      await mod.refused({ type: 'mod', room, action: { kind: 'timeout', login: 'nobody_here', seconds: 10 } }),
    ).toMatchObject({ code: 'NO_SUCH_USER' });
    clock.advance(61_000);
    await said(viewer, 'I am back');
  });

  it('bans durably on the platform and blocks sending; unban lets the user speak again', async () => {
    const viewer = await member('viewer_b');
    await said(viewer, 'before the ban');
    const banned = await act(owner, { kind: 'ban', login: 'viewer_b' }, (e) => e.kind === 'banned');
    expect(banned.events.find((e) => e.kind === 'banned')).toMatchObject({ login: 'viewer_b', by: room });
    const userId = (await platform.accounts.userByLogin('viewer_b'))!.id;
    expect(await platform.roles.isBanned(room, userId)).toBe(true);
    expect(await viewer.refused({ type: 'send', room, text: 'hello?' })).toMatchObject({ code: 'BANNED', room });
    // A moderator may not ban the broadcaster (the platform's rule, as a chat error).
    const mod = clients.find((c) => JSON.stringify(c.frames[0]).includes('mod_user'))!;
    expect(await mod.refused({ type: 'mod', room, action: { kind: 'ban', login: room } })).toMatchObject({
      code: 'FORBIDDEN',
    });
    await act(mod, { kind: 'unban', login: 'viewer_b' }, (e) => e.kind === 'unbanned');
    expect(await platform.roles.isBanned(room, userId)).toBe(false);
    await said(viewer, 'after the unban');
  });

  it('applies followers-only (with follow age), subscribers-only, emote-only and blocked terms', async () => {
    const viewer = clients.find((c) => JSON.stringify(c.frames[0]).includes('viewer_a'))!;
    const vip = clients.find((c) => JSON.stringify(c.frames[0]).includes('vip_user'))!;
    const viewerUser = (await platform.accounts.userByLogin('viewer_a'))!;

    await act(owner, { kind: 'followers-only', minFollowMinutes: 10 }, (e) => e.kind === 'settings');
    expect(await viewer.refused({ type: 'send', room, text: 'hi' })).toMatchObject({ code: 'FOLLOWERS_ONLY' });
    await platform.follows.follow(viewerUser, room);
    const young = await viewer.refused({ type: 'send', room, text: 'hi' });
    expect(young.code).toBe('FOLLOWERS_ONLY');
    expect(young.retryAfterMs).toBeGreaterThan(9 * 60_000);
    await said(vip, 'VIPs may speak'); // VIPs are spared the room's modes
    clock.advance(10 * 60_000);
    await said(viewer, 'following long enough');
    await act(owner, { kind: 'followers-only', minFollowMinutes: null }, (e) => e.kind === 'settings');

    await act(owner, { kind: 'subscribers-only', on: true }, (e) => e.kind === 'settings');
    expect(await viewer.refused({ type: 'send', room, text: 'hi' })).toMatchObject({ code: 'SUBSCRIBERS_ONLY' });
    await act(owner, { kind: 'subscribers-only', on: false }, (e) => e.kind === 'settings');

    await act(owner, { kind: 'emote-only', on: true }, (e) => e.kind === 'settings');
    expect(await viewer.refused({ type: 'send', room, text: 'words' })).toMatchObject({ code: 'EMOTE_ONLY' });
    expect(await viewer.refused({ type: 'send', room, text: 'glintGG words' })).toMatchObject({ code: 'EMOTE_ONLY' });
    const marked = await said(viewer, 'glintGG  glintHeart');
    expect(marked.emotes.map((e) => [e.start, e.end])).toEqual([
      [0, 7],
      [9, 19],
    ]);
    await said(owner, 'the broadcaster may still type');
    await act(owner, { kind: 'emote-only', on: false }, (e) => e.kind === 'settings');
    // Positions count code points: the emoji before the emote is one.
    expect((await said(viewer, '🔥 glintGG')).emotes).toEqual([{ id: expect.any(String), start: 2, end: 9 }]);

    const terms = await act(owner, { kind: 'blocked-terms', terms: ['Forbidden'] }, (e) => e.kind === 'settings');
    expect(terms.events.find((e) => e.kind === 'settings')).toMatchObject({ settings: { blockedTermCount: 1 } });
    expect(JSON.stringify(watcher.frames)).not.toContain('Forbidden');
    expect(await viewer.refused({ type: 'send', room, text: 'a FORBIDDEN word' })).toMatchObject({
      code: 'BLOCKED_TERM',
    });
    await said(viewer, 'an allowed word');
    expect((await watcher.join(room)).settings).toMatchObject({ blockedTermCount: 1, emoteOnly: false });
  });

  it('applies a ban made through the platform (its API) to chat on every pod, and its unban', async () => {
    const viewer = await member('api_banned');
    await said(viewer, 'hello');
    const broadcaster = (await platform.accounts.userByLogin(room))!;
    let from = watcher.frames.length;
    await platform.roles.grant(room, broadcaster, 'banned', 'api_banned');
    const banned = await watcher.next('events', (f) => f.events.some((e) => e.kind === 'banned'), from);
    expect(banned.events.find((e) => e.kind === 'banned')).toMatchObject({ login: 'api_banned', by: room });
    expect(await bus.restriction(room, 'api_banned')).toEqual({ untilMs: null });
    expect(await viewer.refused({ type: 'send', room, text: 'still here?' })).toMatchObject({ code: 'BANNED' });
    from = watcher.frames.length;
    await platform.roles.revoke(room, broadcaster, 'banned', 'api_banned');
    await watcher.next('events', (f) => f.events.some((e) => e.kind === 'unbanned'), from);
    expect(await bus.restriction(room, 'api_banned')).toBeNull();
    await said(viewer, 'back again');
  });

  it('announces a ban made in chat once', async () => {
    const bans = watcher.events(room).filter((e) => e.kind === 'banned' && e.login === 'viewer_b');
    expect(bans).toHaveLength(1);
  });
});
