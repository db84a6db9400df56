import { type StartedPlatformApi, startPlatformApi, TEST_DIALECTS } from '@glint/testkit/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiTestClient } from '../../../test/api-test-client.ts';

describe.each(TEST_DIALECTS)('channel and stream-key routes on %s', (dialect) => {
  let api: StartedPlatformApi;
  let client: ApiTestClient;
  let alice: string;
  let bob: string;
  let clockMs = 1_800_000_000_000;
  const viewerCounts = new Map<string, number>();

  /** Starts a broadcast a second after the previous one (broadcast ids, and so the live list, follow the clock). */
  async function goLive(channel: string) {
    clockMs += 1000;
    api.platform.broadcasts.streamStarted(channel);
    await api.platform.broadcasts.settled();
  }

  beforeAll(async () => {
    api = await startPlatformApi(dialect, {
      viewers: (channel) => viewerCounts.get(channel) ?? 0,
      platform: { nowMs: () => clockMs },
    });
    client = new ApiTestClient(api);
    alice = (await client.signUp('alice')).token;
    bob = (await client.signUp('bob')).token;
  });
  afterAll(async () => {
    await api.stop();
  });

  it("gives a channel's page: anonymous, then with the caller's standing", async () => {
    const anonymous = await client.call('GET', '/api/channels/alice');
    expect(anonymous.status).toBe(200);
    expect(anonymous.body).toEqual({
      name: 'alice',
      displayName: 'alice',
      title: '',
      category: 'Just Chatting',
      language: 'en',
      live: null,
      followers: 0,
      you: null,
    });
    const asBob = await client.call('GET', '/api/channels/alice', { token: bob });
    expect(asBob.body.you).toEqual({ following: false, subscription: null, roles: ['viewer'] });
    const asAlice = await client.call('GET', '/api/channels/alice', { token: alice });
    expect(asAlice.body.you).toEqual({ following: false, subscription: null, roles: ['broadcaster', 'viewer'] });
  });

  it('refuses an unknown channel with 404 and a malformed name with 400', async () => {
    const unknown = await client.call('GET', '/api/channels/nobody_here');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ code: 'NOT_FOUND', message: 'channel nobody_here does not exist' });
    for (const name of ['ab', 'Alice', 'a-b-c', 'x'.repeat(26), 'al%20ce', 'al%C3%A9ce']) {
      const bad = await client.call('GET', `/api/channels/${name}`);
      expect(bad.status, name).toBe(400);
      expect(bad.body.code).toBe('BAD_REQUEST');
    }
    expect((await client.call('GET', '/api/channels/alice')).status).toBe(200);
  });

  it('lets the broadcaster change title, category and language, and shows the change', async () => {
    const patch = { title: 'Speedrun: any%', category: 'Games', language: 'pt-BR' };
    const changed = await client.call('PATCH', '/api/channels/alice', { token: alice, body: patch });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ name: 'alice', ...patch });
    const onlyTitle = await client.call('PATCH', '/api/channels/alice', {
      token: alice,
      body: { title: 'x'.repeat(140) },
    });
    expect(onlyTitle.body).toMatchObject({ title: 'x'.repeat(140), category: 'Games', language: 'pt-BR' });
    expect((await client.call('GET', '/api/channels/alice')).body.title).toBe('x'.repeat(140));
  });

  it('refuses channel changes by others (403), anonymous callers (401) and bad fields (400)', async () => {
    const body = { title: 'mine now' };
    expect((await client.call('PATCH', '/api/channels/alice', { token: bob, body })).status).toBe(403);
    expect((await client.call('PATCH', '/api/channels/alice', { body })).status).toBe(401);
    expect((await client.call('PATCH', '/api/channels/nobody_here', { token: bob, body })).status).toBe(404);
    const bad: unknown[] = [
      { title: 'x'.repeat(141) },
      { category: 'c'.repeat(51) },
      { category: '' },
      { language: 'English' },
      { language: 'en_US' },
      { title: 'ok', owner: 'bob' },
      {},
      { title: 5 },
      { title: 'line\nbreak' },
    ];
    for (const patch of bad) {
      const reply = await client.call('PATCH', '/api/channels/alice', { token: alice, body: patch });
      expect(reply.status, JSON.stringify(patch)).toBe(400);
      expect(reply.body.code).toBe('BAD_REQUEST');
    }
    expect((await client.call('GET', '/api/channels/alice')).body.title).toBe('x'.repeat(140));
  });

  it('lists live channels newest broadcast first with their viewers, and every channel by name', async () => {
    for (const name of ['a_b_c', 'ab_c', 'carol', 'dave', 'erin_2']) {
      await api.platform.seedChannel(name, name.toUpperCase());
    }
    viewerCounts.set('carol', 7).set('a_b_c', 3);
    await goLive('carol');
    await goLive('a_b_c');
    await goLive('erin_2');
    await goLive('dave');
    api.platform.broadcasts.streamEnded('dave');
    await api.platform.broadcasts.close();

    const everyChannel = (await client.walk('/api/channels?limit=2')) as { name: string }[];
    const names = everyChannel.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    expect([...names].sort()).toEqual(['a_b_c', 'ab_c', 'alice', 'bob', 'carol', 'dave', 'erin_2']);

    // close() ended all four; take three back on air in a known order.
    await goLive('carol');
    await goLive('a_b_c');
    await goLive('erin_2');
    const live = (await client.walk('/api/channels?live=true&limit=1')) as {
      name: string;
      live: { viewers: number; startedAt: number };
    }[];
    expect(live.map((c) => c.name)).toEqual(['erin_2', 'a_b_c', 'carol']);
    expect(live.map((c) => c.live.viewers)).toEqual([0, 3, 7]);
    expect(live[0]?.live.startedAt).toBe(clockMs);
    const page = await client.call('GET', '/api/channels/carol');
    expect(page.body.live).toMatchObject({ viewers: 7 });
    expect(page.body.displayName).toBe('CAROL');
  });

  it('refuses malformed list queries', async () => {
    for (const query of ['limit=0', 'limit=101', 'limit=two', 'live=maybe', 'cursor=BAD!', 'sort=name']) {
      const reply = await client.call('GET', `/api/channels?${query}`);
      expect(reply.status, query).toBe(400);
      expect(reply.body.code).toBe('BAD_REQUEST');
    }
  });

  describe('stream keys', () => {
    const invalidated: string[] = [];
    beforeAll(() => {
      api.platform.events.keyInvalidated.add((e) => invalidated.push(`${e.channel}:${e.reason}`));
    });

    it('shows a key once at creation, then only whether there is one', async () => {
      expect((await client.call('GET', '/api/channels/alice/stream-key', { token: alice })).body).toEqual({
        hasKey: false,
        createdAt: null,
      });
      const made = await client.call('POST', '/api/channels/alice/stream-key', { token: alice });
      expect(made.status).toBe(201);
      expect(made.headers.get('cache-control')).toBe('no-store');
      expect(made.body).toEqual({
        streamKey: expect.stringMatching(/^live_alice_[A-Za-z0-9_-]{22}$/),
        createdAt: clockMs,
      });
      expect(await api.platform.streamKeys.verify(made.body.streamKey)).toEqual({ id: 'alice', displayName: 'alice' });
      expect((await client.call('GET', '/api/channels/alice/stream-key', { token: alice })).body).toEqual({
        hasKey: true,
        createdAt: clockMs,
      });
      expect(invalidated).toEqual([]);
    });

    it('rotating makes the old key fail and tells ingest; revoking leaves none and tells ingest', async () => {
      const first = (await client.call('POST', '/api/channels/alice/stream-key', { token: alice })).body.streamKey;
      const second = (await client.call('POST', '/api/channels/alice/stream-key', { token: alice })).body.streamKey;
      expect(second).not.toBe(first);
      expect(await api.platform.streamKeys.verify(first)).toBeNull();
      expect(await api.platform.streamKeys.verify(second)).not.toBeNull();
      expect(invalidated).toEqual(['alice:rotated', 'alice:rotated']);

      const revoked = await client.call('DELETE', '/api/channels/alice/stream-key', { token: alice });
      expect(revoked.status).toBe(204);
      expect(revoked.text).toBe('');
      expect(await api.platform.streamKeys.verify(second)).toBeNull();
      expect(invalidated).toEqual(['alice:rotated', 'alice:rotated', 'alice:revoked']);
      expect((await client.call('GET', '/api/channels/alice/stream-key', { token: alice })).body.hasKey).toBe(false);
      // Revoking with no key is not an error, and tells no one.
      expect((await client.call('DELETE', '/api/channels/alice/stream-key', { token: alice })).status).toBe(204);
      expect(invalidated).toHaveLength(3);
    });

    it("refuses another user's (403), anonymous (401) and unknown channels' (404) key requests", async () => {
      await client.call('POST', '/api/channels/alice/stream-key', { token: alice });
      const before = invalidated.length;
      for (const method of ['GET', 'POST', 'DELETE']) {
        const byBob = await client.call(method, '/api/channels/alice/stream-key', { token: bob });
        expect(byBob.status, method).toBe(403);
        expect(byBob.body.code).toBe('FORBIDDEN');
        expect((await client.call(method, '/api/channels/alice/stream-key')).status, method).toBe(401);
        expect((await client.call(method, '/api/channels/nobody_here/stream-key', { token: bob })).status).toBe(404);
        expect((await client.call(method, '/api/channels/No!/stream-key', { token: bob })).status).toBe(400);
      }
      expect(invalidated).toHaveLength(before);
      expect((await client.call('GET', '/api/channels/alice/stream-key', { token: alice })).body.hasKey).toBe(true);
    });
  });

  it('documents every channel, key, follow, subscription and role route in the OpenAPI document', async () => {
    const doc = (await client.call('GET', '/api/openapi.json')).body;
    const mine = {
      '/api/channels': ['get'],
      '/api/channels/{name}': ['get', 'patch'],
      '/api/channels/{name}/stream-key': ['get', 'post', 'delete'],
      '/api/channels/{name}/follow': ['put', 'delete'],
      '/api/me/follows': ['get'],
      '/api/channels/{name}/subscriptions': ['get', 'post'],
      '/api/me/subscriptions': ['get'],
      '/api/channels/{name}/roles/{role}/{login}': ['put', 'delete'],
      '/api/channels/{name}/roles/{login}': ['get'],
      '/api/channels/{name}/roles': ['get'],
    };
    for (const [path, methods] of Object.entries(mine)) {
      for (const method of methods) {
        const operation = doc.paths[path]?.[method];
        const where = `${method} ${path}`;
        expect(operation, where).toBeDefined();
        expect(operation.tags, where).toHaveLength(1);
        expect(operation.summary.length, where).toBeGreaterThan(20);
        const statuses = Object.keys(operation.responses);
        expect(
          statuses.filter((s) => s.startsWith('2')),
          where,
        ).toHaveLength(1);
        expect(statuses, where).toContain('400');
        for (const status of statuses.filter((s) => Number(s) >= 400)) {
          const schema = operation.responses[status].content['application/json'].schema;
          expect(schema.required, `${where} ${status}`).toEqual(['code', 'message']);
        }
        const signedIn = !(method === 'get' && (path === '/api/channels' || path === '/api/channels/{name}'));
        expect(statuses.includes('401'), where).toBe(signedIn);
        expect(operation.security !== undefined, where).toBe(signedIn);
      }
    }
  });

  it('no reply but the POST that made it ever carried a stream key, and no log line did', async () => {
    // Every read the API has about a channel, by its broadcaster and by someone else, with a key in place.
    const reads = [
      '/api/channels',
      '/api/channels?live=true',
      '/api/channels/alice',
      '/api/channels/alice/stream-key',
      '/api/channels/alice/subscriptions',
      '/api/channels/alice/roles?role=moderator',
      '/api/channels/alice/roles/alice',
      '/api/me/follows',
      '/api/me/subscriptions',
      '/api/openapi.json',
    ];
    for (const token of [alice, bob, undefined]) for (const path of reads) await client.call('GET', path, { token });
    const keys = client.exchanges
      .filter((e) => e.method === 'POST' && e.path.endsWith('/stream-key') && e.status === 201)
      .map((e) => JSON.parse(e.text).streamKey as string);
    expect(keys.length).toBeGreaterThanOrEqual(4);
    const others = client.exchanges.filter((e) => !(e.method === 'POST' && e.path.endsWith('/stream-key')));
    expect(others.length).toBeGreaterThan(30);
    for (const key of keys) {
      const secret = key.slice('live_alice_'.length);
      for (const e of others) expect(e.text, `${e.method} ${e.path}`).not.toContain(secret);
      for (const line of api.logs) expect(line).not.toContain(secret);
    }
  });
});
