import { silentLogger } from '@glint/media-core';
import { Platform } from '@glint/platform';
import { createTestDatabase, TEST_DIALECTS, type TestDatabase } from '@glint/testkit/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from './tokens.ts';

const PASSWORD = 'correct horse battery';

describe.each(TEST_DIALECTS)('accounts on %s', (dialect) => {
  const clock = { nowMs: Date.UTC(2026, 1, 1) };
  let database: TestDatabase;
  let platform: Platform;
  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    platform = await Platform.open({
      databaseUrl: database.url,
      logger: silentLogger,
      reconnectGraceMs: 100,
      nowMs: () => clock.nowMs,
      accounts: { sessionTtlMs: 60_000, maxSessionsPerUser: 3 },
    });
  });
  afterAll(async () => {
    await platform.close();
    await database.drop();
  });

  const sessionRows = (userId: string) =>
    platform.database.db.selectFrom('sessions').selectAll().where('user_id', '=', userId).execute();

  it('stores an argon2id hash, never the password, and a session as its SHA-256 only', async () => {
    const user = await platform.signUp('anna', PASSWORD);
    const row = await platform.database.db.selectFrom('users').selectAll().where('id', '=', user.id).executeTakeFirst();
    expect(row?.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(JSON.stringify(row)).not.toContain(PASSWORD);
    const session = await platform.accounts.logIn('anna', PASSWORD);
    const sessions = await sessionRows(user.id);
    expect(sessions.map((s) => s.token_hash)).toEqual([sha256Hex(session?.token ?? '')]);
    expect(JSON.stringify(sessions)).not.toContain(session?.token);
  });

  it('two sign-ups of one login at once: one account, and the other hears LOGIN_TAKEN', async () => {
    const results = await Promise.allSettled([platform.signUp('twin', PASSWORD), platform.signUp('TWIN', PASSWORD)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected');
    expect(refused?.status === 'rejected' && refused.reason).toMatchObject({ code: 'LOGIN_TAKEN', status: 409 });
  });

  it.each([
    ['a password with a tab', 'login_a', 'correct\thorse', undefined, 'BAD_PASSWORD'],
    ['a password of 7 characters', 'login_b', 'x'.repeat(7), undefined, 'BAD_PASSWORD'],
    ['a display name of 41 characters', 'login_c', PASSWORD, 'n'.repeat(41), 'BAD_DISPLAY_NAME'],
    ['an empty display name', 'login_d', PASSWORD, '', 'BAD_DISPLAY_NAME'],
    ['a display name with a C1 control', 'login_e', PASSWORD, 'a\u0085b', 'BAD_DISPLAY_NAME'],
    ['a display name with a lone surrogate', 'login_g', PASSWORD, 'a\ud800', 'BAD_DISPLAY_NAME'],
    ['a password with a lone surrogate', 'login_h', 'correct horse \udc00', undefined, 'BAD_PASSWORD'],
    ['a login with a space', 'login f', PASSWORD, undefined, 'BAD_LOGIN'],
  ])('refuses %s when called directly, not only over HTTP', async (_what, login, password, displayName, code) => {
    await expect(platform.signUp(login, password, displayName)).rejects.toMatchObject({ code, status: 400 });
    expect(await platform.accounts.userByLogin(login)).toBeNull();
  });

  it('an account without a password (a seeded channel owner) cannot log in', async () => {
    await platform.seedChannel('seeded', 'Seeded');
    expect(await platform.accounts.logIn('seeded', '')).toBeNull();
    expect(await platform.accounts.logIn('seeded', PASSWORD)).toBeNull();
  });

  it('a new session past the cap ends the oldest; expired ones are dropped at the next log-in', async () => {
    const user = await platform.signUp('busy', PASSWORD);
    const tokens: string[] = [];
    for (let i = 0; i < 5; i++) {
      const session = await platform.accounts.logIn('busy', PASSWORD);
      tokens.push(session?.token ?? '');
      clock.nowMs += 1;
    }
    expect((await sessionRows(user.id)).length).toBe(3);
    const identified = await Promise.all(tokens.map((t) => platform.accounts.identify(t)));
    expect(identified.map((u) => u?.login ?? null)).toEqual([null, null, 'busy', 'busy', 'busy']);

    clock.nowMs += 60_000;
    expect(await platform.accounts.identify(tokens[4] ?? '')).toBeNull();
    const fresh = await platform.accounts.logIn('busy', PASSWORD);
    expect((await sessionRows(user.id)).map((s) => s.token_hash)).toEqual([sha256Hex(fresh?.token ?? '')]);
  });
});
