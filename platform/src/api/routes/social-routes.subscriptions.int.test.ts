import { SUBSCRIPTION_MONTH_MS } from '@glint/platform';
import { type StartedPlatformApi, startPlatformApi, TEST_DIALECTS } from '@glint/testkit/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiTestClient } from '../../../test/api-test-client.ts';

const DAY_MS = 24 * 3600_000;

describe.each(TEST_DIALECTS)('subscription routes on %s', (dialect) => {
  let api: StartedPlatformApi;
  let client: ApiTestClient;
  let alice: string;
  let bob: string;
  let clockMs = 1_800_000_000_000;
  const grant = (body: unknown, token = alice, channel = 'alice') =>
    client.call('POST', `/api/channels/${channel}/subscriptions`, { token, body });

  beforeAll(async () => {
    // Sessions outlive the months this test moves the clock through.
    api = await startPlatformApi(dialect, {
      platform: { nowMs: () => clockMs, accounts: { sessionTtlMs: 1000 * DAY_MS } },
    });
    client = new ApiTestClient(api);
    alice = (await client.signUp('alice')).token;
    bob = (await client.signUp('bob')).token;
  });
  afterAll(async () => {
    await api.stop();
  });

  it('grants a subscription; granting while active extends it and adds months, the new tier applies', async () => {
    const start = clockMs;
    const first = await grant({ login: 'bob', tier: 1, months: 2 });
    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      subscription: {
        login: 'bob',
        tier: 1,
        startedAt: start,
        expiresAt: start + 2 * SUBSCRIPTION_MONTH_MS,
        months: 2,
      },
    });
    clockMs += 10 * DAY_MS;
    const again = await grant({ login: 'BOB', tier: 3, months: 1 });
    expect(again.body.subscription).toEqual({
      login: 'bob',
      tier: 3,
      startedAt: start,
      expiresAt: start + 3 * SUBSCRIPTION_MONTH_MS,
      months: 3,
    });
    const page = await client.call('GET', '/api/channels/alice', { token: bob });
    expect(page.body.you).toEqual({
      following: false,
      subscription: { tier: 3, startedAt: start, expiresAt: start + 3 * SUBSCRIPTION_MONTH_MS, months: 3 },
      roles: ['subscriber', 'viewer'],
    });
  });

  it('after a lapse a grant starts a new run now, and the total of months keeps counting', async () => {
    const expiresAt = (await api.platform.subscriptions.activeOf('alice', (await user('bob')).id))?.expiresAt ?? 0;
    clockMs = expiresAt; // expiry is exclusive: at expiresAt the subscription has lapsed
    const lapsed = await client.call('GET', '/api/channels/alice', { token: bob });
    expect(lapsed.body.you).toMatchObject({ subscription: null, roles: ['viewer'] });
    expect((await client.call('GET', '/api/me/subscriptions', { token: bob })).body.items).toEqual([
      { channel: 'alice', tier: 3, startedAt: expect.any(Number), expiresAt, months: 3, active: false },
    ]);
    clockMs += 5 * DAY_MS;
    const renewed = await grant({ login: 'bob', tier: 2, months: 1 });
    expect(renewed.body.subscription).toEqual({
      login: 'bob',
      tier: 2,
      startedAt: clockMs,
      expiresAt: clockMs + SUBSCRIPTION_MONTH_MS,
      months: 4,
    });
    expect(await api.platform.roles.rolesOf('alice', (await user('bob')).id)).toEqual(['subscriber', 'viewer']);
  });

  it('lists your subscriptions and, for the broadcaster, the channel’s subscribers, page by page', async () => {
    const fans = ['f_1', 'fa_2', 'fan3', 'fan_4', 'fb5'];
    for (const login of fans) {
      await api.platform.accounts.createUser(login, null);
      expect((await grant({ login, tier: 1, months: 1 })).status).toBe(201);
    }
    const carol = await client.signUp('carol');
    expect((await grant({ login: 'bob', tier: 1, months: 12 }, carol.token, 'carol')).status).toBe(201);

    const subscribers = (await client.walk('/api/channels/alice/subscriptions?limit=2', alice)) as {
      login: string;
      active: boolean;
      months: number;
    }[];
    expect(subscribers.map((s) => s.login).sort()).toEqual(['bob', ...fans].sort());
    expect(new Set(subscribers.map((s) => s.login)).size).toBe(fans.length + 1);
    expect(subscribers.every((s) => s.active)).toBe(true);
    expect(subscribers.find((s) => s.login === 'bob')).toMatchObject({ displayName: 'bob', tier: 2, months: 4 });

    const mine = (await client.walk('/api/me/subscriptions?limit=1', bob)) as { channel: string; months: number }[];
    expect(mine.map((s) => [s.channel, s.months])).toEqual([
      ['alice', 4],
      ['carol', 12],
    ]);
    expect((await client.call('GET', '/api/me/subscriptions', { token: alice })).body).toEqual({
      items: [],
      nextCursor: null,
    });
  });

  it("refuses others' grants and lists (403), anonymous callers (401), unknown channel or user (404)", async () => {
    const body = { login: 'alice', tier: 1, months: 1 };
    expect((await grant(body, bob)).status).toBe(403);
    expect((await client.call('POST', '/api/channels/alice/subscriptions', { body })).status).toBe(401);
    expect((await grant(body, bob, 'nobody_here')).status).toBe(404);
    const unknownUser = await grant({ login: 'nobody_here', tier: 1, months: 1 });
    expect(unknownUser.status).toBe(404);
    expect(unknownUser.body.message).toBe('user nobody_here does not exist');
    expect((await client.call('GET', '/api/channels/alice/subscriptions', { token: bob })).status).toBe(403);
    expect((await client.call('GET', '/api/channels/alice/subscriptions')).status).toBe(401);
    expect((await client.call('GET', '/api/me/subscriptions')).status).toBe(401);
    expect((await client.call('GET', '/api/me/subscriptions?limit=0', { token: bob })).status).toBe(400);
    expect((await client.call('GET', '/api/me/subscriptions?cursor=a-b', { token: bob })).status).toBe(400);
    expect((await client.call('GET', '/api/channels/nobody_here/subscriptions', { token: bob })).status).toBe(404);
  });

  it('refuses bad grants with 400: tier, months, unknown fields, types, own channel', async () => {
    const bad: unknown[] = [
      { login: 'bob', tier: 4, months: 1 },
      { login: 'bob', tier: 0, months: 1 },
      { login: 'bob', tier: 1, months: 0 },
      { login: 'bob', tier: 1, months: 13 },
      { login: 'bob', tier: 1, months: 1.5 },
      { login: 'bob', tier: '1', months: 1 },
      { login: 'bob', tier: 1, months: '2' },
      { login: 'bob', tier: 1 },
      { login: 'bo', tier: 1, months: 1 },
      { login: 'bob', tier: 1, months: 1, price: 0 },
    ];
    for (const body of bad) {
      const reply = await grant(body);
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(reply.body.code).toBe('BAD_REQUEST');
    }
    const own = await grant({ login: 'alice', tier: 1, months: 1 });
    expect(own.status).toBe(400);
    expect(own.body.code).toBe('CANNOT_SUBSCRIBE_OWN_CHANNEL');
    expect((await client.call('GET', '/api/channels/alice/subscriptions?limit=500', { token: alice })).status).toBe(
      400,
    );
    // Nothing changed, and the channel still answers.
    const bob_ = (await client.call('GET', '/api/me/subscriptions', { token: bob })).body.items[0];
    expect(bob_).toMatchObject({ channel: 'alice', tier: 2, months: 4 });
  });

  it('concurrent grants all count', async () => {
    await api.platform.accounts.createUser('racer', null);
    const replies = await Promise.all(Array.from({ length: 6 }, () => grant({ login: 'racer', tier: 1, months: 2 })));
    expect(replies.map((r) => r.status)).toEqual([201, 201, 201, 201, 201, 201]);
    const racer = await api.platform.subscriptions.activeOf('alice', (await user('racer')).id);
    expect(racer).toMatchObject({ months: 12, startedAt: clockMs, expiresAt: clockMs + 12 * SUBSCRIPTION_MONTH_MS });
  });

  async function user(login: string) {
    const found = await api.platform.accounts.userByLogin(login);
    if (!found) throw new Error(`no user ${login}`);
    return found;
  }
});
