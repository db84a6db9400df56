import type { Platform } from '@glint/platform';
import { until } from '@glint/testkit';
import { type StartedPlatformApi, startPlatformApi, TEST_DIALECTS } from '@glint/testkit/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const PASSWORD = 'correct horse battery';

/** Signs up a user (with their channel) and returns their Bearer token. */
async function signIn(platform: Platform, login: string): Promise<string> {
  await platform.signUp(login, PASSWORD);
  const session = await platform.accounts.logIn(login, PASSWORD);
  if (!session) throw new Error(`could not log ${login} in`);
  return session.token;
}

describe.each(TEST_DIALECTS)('notifications API on %s', (dialect) => {
  let api: StartedPlatformApi;
  let platform: Platform;
  const tokens: Record<string, string> = {};
  const call = (who: string | null, method: string, path: string) =>
    fetch(api.url(path), {
      method,
      headers: who === null ? {} : { authorization: `Bearer ${tokens[who]}` },
    });
  const list = async (who: string, query = '') => {
    const response = await call(who, 'GET', `/api/me/notifications${query}`);
    expect(response.status).toBe(200);
    return (await response.json()) as {
      items: { id: string; channel: string; broadcastId: string; title: string; readAt: number | null }[];
      nextCursor: string | null;
      unreadCount: number;
    };
  };
  const goLive = async (channel: string) => {
    platform.broadcasts.streamStarted(channel);
    await platform.broadcasts.settled();
    await platform.notifications.settled();
  };
  const endBroadcast = async (channel: string) => {
    const onAir = platform.broadcasts.onAir(channel);
    platform.broadcasts.streamEnded(channel);
    await until(() => platform.broadcasts.onAir(channel)?.broadcastId !== onAir?.broadcastId, {
      what: `${channel}’s broadcast to end`,
    });
    await platform.broadcasts.settled();
  };

  beforeAll(async () => {
    api = await startPlatformApi(dialect, { platform: { reconnectGraceMs: 150 } });
    platform = api.platform;
    for (const login of ['alice', 'bob', 'carol', 'dave']) tokens[login] = await signIn(platform, login);
    const users = await platform.database.db.selectFrom('users').select(['id', 'login']).execute();
    const idOf = (login: string) => users.find((u) => u.login === login)?.id ?? '';
    await platform.database.db
      .insertInto('follows')
      .values(['bob', 'carol'].map((login) => ({ user_id: idOf(login), channel: 'alice', created_at: Date.now() })))
      .execute();
  });
  afterAll(async () => {
    await api?.stop();
  });

  it('a follower gets exactly one notification per broadcast, however often the stream reconnects', async () => {
    await goLive('alice');
    for (let i = 0; i < 3; i++) {
      platform.broadcasts.streamEnded('alice');
      await goLive('alice');
    }
    const bob = await list('bob');
    expect(bob.items).toHaveLength(1);
    expect(bob.unreadCount).toBe(1);
    expect(bob.items[0]).toMatchObject({ channel: 'alice', readAt: null });
    expect(bob.items[0]?.broadcastId).toBe(platform.broadcasts.onAir('alice')?.broadcastId);
    expect((await list('carol')).items).toHaveLength(1);
    expect((await list('dave')).items).toHaveLength(0);
    expect((await list('alice')).items).toHaveLength(0);
    // Seeing the same go-live again (a second process, a replay) stores nothing more.
    const onAir = platform.broadcasts.onAir('alice');
    const again = await platform.notifications.notifyFollowers({
      type: 'stream.online',
      eventId: 'x',
      channel: 'alice',
      broadcastId: onAir?.broadcastId ?? '',
      title: '',
      category: '',
      startedAt: onAir?.startedAt ?? 0,
    });
    expect(again).toBe(0);
  });

  it('a second broadcast gives a second notification, listed newest first and paged', async () => {
    await endBroadcast('alice');
    await goLive('alice');
    const second = platform.broadcasts.onAir('alice')?.broadcastId;
    const bob = await list('bob');
    expect(bob.items).toHaveLength(2);
    expect(bob.unreadCount).toBe(2);
    expect(bob.items[0]?.broadcastId).toBe(second);
    const first = await list('bob', '?limit=1');
    expect(first.items.map((n) => n.id)).toEqual([bob.items[0]?.id]);
    expect(first.unreadCount).toBe(2);
    const next = await list('bob', `?limit=1&cursor=${first.nextCursor}`);
    expect(next.items.map((n) => n.id)).toEqual([bob.items[1]?.id]);
    expect(next.nextCursor).toBeNull();
  });

  it('read marks one (someone else’s is not found), read-all marks the rest', async () => {
    const [newest, oldest] = (await list('bob')).items;
    const read = await call('bob', 'POST', `/api/me/notifications/${newest?.id}/read`);
    expect(read.status).toBe(204);
    expect((await call('bob', 'POST', `/api/me/notifications/${newest?.id}/read`)).status).toBe(204);
    let bob = await list('bob');
    expect(bob.unreadCount).toBe(1);
    expect(bob.items[0]?.readAt).toBeTypeOf('number');
    expect(bob.items[1]?.readAt).toBeNull();

    const stolen = await call('carol', 'POST', `/api/me/notifications/${oldest?.id}/read`);
    expect(stolen.status).toBe(404);
    expect(await stolen.json()).toMatchObject({ code: 'NOT_FOUND' });
    expect((await list('bob')).unreadCount).toBe(1);

    expect((await call('bob', 'POST', '/api/me/notifications/read-all')).status).toBe(204);
    bob = await list('bob');
    expect(bob.unreadCount).toBe(0);
    expect(bob.items.every((n) => n.readAt !== null)).toBe(true);
    expect((await list('carol')).unreadCount).toBe(2);
  });

  it('documents its routes in the OpenAPI document', async () => {
    const response = await call(null, 'GET', '/api/openapi.json');
    expect(response.status).toBe(200);
    const paths = Object.keys(((await response.json()) as { paths: Record<string, unknown> }).paths);
    for (const path of [
      '/api/me/notifications',
      '/api/me/notifications/{id}/read',
      '/api/me/notifications/read-all',
      '/api/channels/{name}/webhooks',
      '/api/channels/{name}/webhooks/{id}',
      '/api/channels/{name}/broadcasts',
    ]) {
      expect(paths).toContain(path);
    }
  });

  it('refuses the anonymous (401) and malformed ids and queries (400), and still serves others', async () => {
    for (const [method, path] of [
      ['GET', '/api/me/notifications'],
      ['POST', '/api/me/notifications/read-all'],
      ['POST', `/api/me/notifications/${'a'.repeat(38)}/read`],
    ] as const) {
      const response = await call(null, method, path);
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
    }
    for (const [method, path] of [
      ['POST', '/api/me/notifications/..%2F..%2Fx/read'],
      ['POST', `/api/me/notifications/${'A'.repeat(38)}/read`],
      ['GET', '/api/me/notifications?limit=0'],
      ['GET', '/api/me/notifications?cursor=%27%3B--'],
    ] as const) {
      const response = await call('carol', method, path);
      expect(response.status, path).toBe(400);
    }
    expect((await list('carol')).items).toHaveLength(2);
  });
});
