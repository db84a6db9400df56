import { type StartedPlatformApi, startPlatformApi, TEST_DIALECTS } from '@glint/testkit/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiTestClient } from '../../../test/api-test-client.ts';

describe.each(TEST_DIALECTS)('role routes on %s', (dialect) => {
  let api: StartedPlatformApi;
  let client: ApiTestClient;
  const tokens: Record<string, string> = {};
  const put = (path: string, as: string) =>
    client.call('PUT', `/api/channels/alice/roles/${path}`, { token: tokens[as] });
  const del = (path: string, as: string) =>
    client.call('DELETE', `/api/channels/alice/roles/${path}`, { token: tokens[as] });
  const rolesOf = async (login: string, as = 'alice') =>
    (await client.call('GET', `/api/channels/alice/roles/${login}`, { token: tokens[as] })).body.roles;

  beforeAll(async () => {
    api = await startPlatformApi(dialect);
    client = new ApiTestClient(api);
    for (const login of ['alice', 'mod_a', 'mod_b', 'bob', 'erin']) tokens[login] = (await client.signUp(login)).token;
  });
  afterAll(async () => {
    await api.stop();
  });

  it('the broadcaster grants moderator and vip; effective roles are derived and ordered', async () => {
    expect((await put('moderator/mod_a', 'alice')).status).toBe(204);
    expect((await put('moderator/MOD_B', 'alice')).status).toBe(204);
    expect((await put('moderator/mod_b', 'alice')).status).toBe(204);
    expect((await put('vip/bob', 'alice')).status).toBe(204);
    await client.call('PUT', '/api/channels/alice/follow', { token: tokens.bob });
    await client.call('POST', '/api/channels/alice/subscriptions', {
      token: tokens.alice,
      body: { login: 'bob', tier: 1, months: 1 },
    });
    expect(await rolesOf('alice')).toEqual(['broadcaster', 'viewer']);
    expect(await rolesOf('mod_a')).toEqual(['moderator', 'viewer']);
    expect(await rolesOf('bob')).toEqual(['vip', 'subscriber', 'follower', 'viewer']);
    expect(await rolesOf('erin')).toEqual(['viewer']);
    // A moderator may look anyone up; a user may look themselves up.
    expect(await rolesOf('bob', 'mod_a')).toEqual(['vip', 'subscriber', 'follower', 'viewer']);
    expect(await rolesOf('bob', 'bob')).toEqual(['vip', 'subscriber', 'follower', 'viewer']);
    // The service chat uses: anonymous is a viewer.
    expect(await api.platform.roles.rolesOf('alice', null)).toEqual(['viewer']);
  });

  it('moderators ban and unban viewers, but not the broadcaster nor another moderator', async () => {
    await client.call('PUT', '/api/channels/alice/follow', { token: tokens.erin });
    expect((await put('banned/erin', 'mod_a')).status).toBe(204);
    expect(await rolesOf('erin')).toEqual(['banned']);
    expect((await client.call('GET', '/api/channels/alice', { token: tokens.erin })).body.you).toEqual({
      following: false,
      subscription: null,
      roles: ['banned'],
    });
    for (const target of ['banned/alice', 'banned/mod_b']) {
      const refused = await put(target, 'mod_a');
      expect(refused.status, target).toBe(403);
      expect(refused.body.code).toBe('FORBIDDEN');
    }
    expect((await del('banned/erin', 'mod_b')).status).toBe(204);
    expect(await rolesOf('erin')).toEqual(['viewer']);
    expect(await rolesOf('mod_b')).toEqual(['moderator', 'viewer']);
  });

  it('only the broadcaster grants or takes moderator and vip; plain users do nothing; anonymous gets 401', async () => {
    for (const [path, as] of [
      ['vip/erin', 'mod_a'],
      ['moderator/erin', 'mod_a'],
      ['banned/erin', 'bob'],
      ['moderator/bob', 'bob'],
    ] as const) {
      expect((await put(path, as)).status, `${as} PUT ${path}`).toBe(403);
      expect((await del(path, as)).status, `${as} DELETE ${path}`).toBe(403);
    }
    expect((await del('moderator/mod_b', 'mod_a')).status).toBe(403);
    expect((await client.call('PUT', '/api/channels/alice/roles/banned/erin')).status).toBe(401);
    expect((await client.call('DELETE', '/api/channels/alice/roles/banned/erin')).status).toBe(401);
    expect((await client.call('GET', '/api/channels/alice/roles/erin')).status).toBe(401);
    expect((await client.call('GET', '/api/channels/alice/roles?role=moderator')).status).toBe(401);
    // Another user's roles are for them, the broadcaster and moderators.
    expect((await client.call('GET', '/api/channels/alice/roles/bob', { token: tokens.erin })).status).toBe(403);
    expect((await client.call('GET', '/api/channels/alice/roles?role=vip', { token: tokens.bob })).status).toBe(403);
    expect(await rolesOf('erin')).toEqual(['viewer']);
  });

  it('a ban by the broadcaster takes moderator away; granting to a banned user is a conflict', async () => {
    const changes: string[] = [];
    const stop = api.platform.roles.changed.add((c) =>
      changes.push(`${c.login} ${c.granted ? '+' : '-'}${c.role} by ${c.by}`),
    );
    expect((await put('banned/mod_b', 'alice')).status).toBe(204);
    expect((await put('banned/mod_b', 'alice')).status).toBe(204);
    expect(changes).toEqual(['mod_b -moderator by alice', 'mod_b +banned by alice']);
    expect(await rolesOf('mod_b')).toEqual(['banned']);
    const conflict = await put('vip/mod_b', 'alice');
    expect(conflict.status).toBe(409);
    expect(conflict.body.code).toBe('USER_BANNED');
    expect((await del('banned/mod_b', 'alice')).status).toBe(204);
    expect(await rolesOf('mod_b')).toEqual(['viewer']);
    expect((await put('moderator/mod_b', 'alice')).status).toBe(204);
    // Removing a role not held changes nothing, and tells no one.
    expect((await del('vip/mod_b', 'alice')).status).toBe(204);
    expect(await rolesOf('mod_b')).toEqual(['moderator', 'viewer']);
    stop();
    expect(changes).toEqual([
      'mod_b -moderator by alice',
      'mod_b +banned by alice',
      'mod_b -banned by alice',
      'mod_b +moderator by alice',
    ]);
  });

  it('refuses bad role requests: derived roles (400), unknown user or channel (404), self-grant (400)', async () => {
    for (const role of ['broadcaster', 'subscriber', 'follower', 'viewer', 'admin']) {
      const reply = await put(`${role}/bob`, 'alice');
      expect(reply.status, role).toBe(400);
      expect(reply.body.code).toBe('BAD_REQUEST');
    }
    expect((await put('vip/b!', 'alice')).status).toBe(400);
    const unknown = await put('vip/nobody_here', 'alice');
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toBe('user nobody_here does not exist');
    expect((await rolesOfReply('nobody_here')).status).toBe(404);
    expect((await client.call('PUT', '/api/channels/nobody_here/roles/vip/bob', { token: tokens.alice })).status).toBe(
      404,
    );
    const self = await put('banned/alice', 'alice');
    expect(self.status).toBe(400);
    expect(self.body.code).toBe('CANNOT_GRANT_BROADCASTER');
    for (const query of ['', '?role=follower', '?role=vip&limit=0', '?role=vip&extra=1']) {
      const reply = await client.call('GET', `/api/channels/alice/roles${query}`, { token: tokens.alice });
      expect(reply.status, query).toBe(400);
    }
    expect(await rolesOf('alice')).toEqual(['broadcaster', 'viewer']);
  });

  it('lists the users granted a role, page by page, each once', async () => {
    const mods = ['m_1', 'ma_2', 'mb3', 'mod_x', 'mzz'];
    for (const login of mods) {
      await api.platform.accounts.createUser(login, null, login.toUpperCase());
      expect((await put(`moderator/${login}`, 'alice')).status).toBe(204);
    }
    const everyMod = [...mods, 'mod_a', 'mod_b'].sort();
    for (const as of ['alice', 'mod_a']) {
      const listed = (await client.walk('/api/channels/alice/roles?role=moderator&limit=2', tokens[as])) as {
        login: string;
        role: string;
        grantedAt: number;
      }[];
      expect(listed.map((g) => g.login).sort()).toEqual(everyMod);
      expect(new Set(listed.map((g) => g.login)).size).toBe(everyMod.length);
      expect(listed.every((g) => g.role === 'moderator' && g.grantedAt > 0)).toBe(true);
    }
    const vips = await client.call('GET', '/api/channels/alice/roles?role=vip', { token: tokens.alice });
    expect(vips.body).toEqual({
      items: [{ login: 'bob', displayName: 'bob', role: 'vip', grantedAt: expect.any(Number) }],
      nextCursor: null,
    });
  });

  function rolesOfReply(login: string) {
    return client.call('GET', `/api/channels/alice/roles/${login}`, { token: tokens.alice });
  }
});
