import { type StartedPlatformApi, startPlatformApi, TEST_DIALECTS } from '@glint/testkit/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiTestClient } from '../../../test/api-test-client.ts';

describe.each(TEST_DIALECTS)('follow routes on %s', (dialect) => {
  let api: StartedPlatformApi;
  let client: ApiTestClient;
  let alice: string;
  let bob: string;

  beforeAll(async () => {
    api = await startPlatformApi(dialect, { viewers: (channel) => (channel === 'live_one' ? 42 : 0) });
    client = new ApiTestClient(api);
    alice = (await client.signUp('alice')).token;
    bob = (await client.signUp('bob')).token;
  });
  afterAll(async () => {
    await api.stop();
  });

  it('follows once however often asked, counts the follower, and unfollows the same way', async () => {
    for (let i = 0; i < 2; i++) {
      const followed = await client.call('PUT', '/api/channels/alice/follow', { token: bob });
      expect(followed.status).toBe(204);
      expect(followed.text).toBe('');
    }
    const page = await client.call('GET', '/api/channels/alice', { token: bob });
    expect(page.body.followers).toBe(1);
    expect(page.body.you).toMatchObject({ following: true, roles: ['follower', 'viewer'] });
    for (let i = 0; i < 2; i++) {
      expect((await client.call('DELETE', '/api/channels/alice/follow', { token: bob })).status).toBe(204);
    }
    const after = await client.call('GET', '/api/channels/alice', { token: bob });
    expect(after.body).toMatchObject({ followers: 0, you: { following: false, roles: ['viewer'] } });
  });

  it('refuses following your own channel (400), anonymous callers (401), unknown (404) and bad names (400)', async () => {
    const own = await client.call('PUT', '/api/channels/alice/follow', { token: alice });
    expect(own.status).toBe(400);
    expect(own.body.code).toBe('CANNOT_FOLLOW_OWN_CHANNEL');
    for (const method of ['PUT', 'DELETE']) {
      expect((await client.call(method, '/api/channels/alice/follow')).status).toBe(401);
      expect((await client.call(method, '/api/channels/nobody_here/follow', { token: bob })).status).toBe(404);
      expect((await client.call(method, '/api/channels/A!/follow', { token: bob })).status).toBe(400);
    }
    expect((await client.call('GET', '/api/me/follows')).status).toBe(401);
    expect((await client.call('GET', '/api/me/follows?limit=0', { token: bob })).status).toBe(400);
    expect((await client.call('GET', '/api/me/follows?order=new', { token: bob })).status).toBe(400);
    expect((await client.call('GET', '/api/channels/alice')).body.followers).toBe(0);
  });

  it('refuses a banned user (403), and a ban ends their follow', async () => {
    await client.call('PUT', '/api/channels/alice/follow', { token: bob });
    expect((await client.call('PUT', '/api/channels/alice/roles/banned/bob', { token: alice })).status).toBe(204);
    expect((await client.call('GET', '/api/channels/alice')).body.followers).toBe(0);
    const refused = await client.call('PUT', '/api/channels/alice/follow', { token: bob });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('FORBIDDEN');
    expect((await client.call('DELETE', '/api/channels/alice/roles/banned/bob', { token: alice })).status).toBe(204);
    expect((await client.call('PUT', '/api/channels/alice/follow', { token: bob })).status).toBe(204);
    await client.call('DELETE', '/api/channels/alice/follow', { token: bob });
  });

  it('a follow racing a ban never leaves a banned user following', async () => {
    const owner = await api.platform.accounts.userByLogin('alice');
    if (!owner) throw new Error('no alice');
    const racers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => api.platform.accounts.createUser(`racer_${i}`, null)),
    );
    const outcomes = await Promise.allSettled(
      racers.flatMap((racer) => [
        api.platform.follows.follow(racer, 'alice'),
        api.platform.roles.grant('alice', owner, 'banned', racer.login),
      ]),
    );
    // Each follow either landed before its ban (and the ban removed it) or was refused as banned.
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') expect(outcome.reason).toMatchObject({ status: 403 });
    }
    const followers = await api.platform.database.db
      .selectFrom('follows')
      .select('user_id')
      .where('channel', '=', 'alice')
      .execute();
    expect(followers).toEqual([]);
    expect((await client.call('GET', '/api/channels/alice')).body.followers).toBe(0);
  });

  it('lists the channels you follow page by page, each once, with their live state', async () => {
    const names = ['a_b', 'ab_c', 'cara', 'live_one', 'zed_9'];
    for (const name of names) {
      await api.platform.seedChannel(name, name.toUpperCase());
      expect((await client.call('PUT', `/api/channels/${name}/follow`, { token: bob })).status).toBe(204);
    }
    await client.call('PUT', '/api/channels/ab_c/follow', { token: alice });
    api.platform.broadcasts.streamStarted('live_one');
    await api.platform.broadcasts.settled();

    const followed = (await client.walk('/api/me/follows?limit=2', bob)) as {
      channel: string;
      displayName: string;
      live: { broadcastId: string; viewers: number } | null;
    }[];
    expect(followed.map((f) => f.channel).sort()).toEqual(names);
    expect(new Set(followed.map((f) => f.channel)).size).toBe(names.length);
    for (const f of followed) {
      expect(f.displayName).toBe(f.channel.toUpperCase());
      if (f.channel === 'live_one') expect(f.live).toMatchObject({ viewers: 42 });
      else expect(f.live).toBeNull();
    }
    expect((await client.walk('/api/me/follows', alice)).map((f) => (f as { channel: string }).channel)).toEqual([
      'ab_c',
    ]);
    const first = await client.call('GET', '/api/me/follows?limit=5', { token: bob });
    expect(first.body.nextCursor).toBeNull();
    expect(first.body.items).toHaveLength(5);
  });
});
