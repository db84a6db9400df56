import { callApi, type StartedPlatformApi, startPlatformApi, TEST_DIALECTS } from '@glint/testkit/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const PASSWORD = 'correct horse battery';
const WINDOW_MS = 15 * 60_000;

/**
 * Each client is its own loopback address (127.0.0.0/8 all reaches the server on Linux), so the server sees distinct
 * addresses as it would distinct machines.
 */
describe.each(TEST_DIALECTS)('log-in throttling on %s', (dialect) => {
  const clock = { nowMs: Date.UTC(2026, 5, 1) };
  let api: StartedPlatformApi;
  const logIn = (login: string, password: string, from: string) =>
    callApi(api.url('/api/auth/login'), { json: { login, password }, localAddress: from });

  beforeAll(async () => {
    api = await startPlatformApi(dialect, { platform: { nowMs: () => clock.nowMs } });
    for (const login of ['victim', 'other', 'burst']) await api.platform.signUp(login, PASSWORD);
  });
  afterAll(async () => {
    await api.stop();
  });

  it('5 failures on one login lock it for new addresses, not for one that logged in before; a success lifts nothing', async () => {
    const owner = '127.0.0.3';
    const attacker = '127.0.0.2';
    expect((await logIn('victim', PASSWORD, owner)).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await logIn('victim', `guess ${i}`, attacker)).status).toBe(401);

    const locked = await logIn('victim', PASSWORD, attacker);
    expect(locked.status).toBe(429);
    expect(locked.body).toEqual({
      code: 'TOO_MANY_ATTEMPTS',
      message: `too many failed log-ins; try again in ${WINDOW_MS / 1000} s, or reset your password`,
    });
    expect(locked.headers.get('retry-after')).toBe(String(WINDOW_MS / 1000));
    // A third address, with the right password, is refused as well: the lock is on the login.
    expect((await logIn('victim', PASSWORD, '127.0.0.4')).status).toBe(429);
    // The owner's address still gets in, and that success does not lift the lock for the others.
    expect((await logIn('victim', PASSWORD, owner)).status).toBe(200);
    expect((await logIn('victim', PASSWORD, attacker)).status).toBe(429);
    // Another login from the attacker's address is not locked (5 failures < 10 for the address).
    expect((await logIn('other', PASSWORD, attacker)).status).toBe(200);

    clock.nowMs += 60_000;
    expect((await logIn('victim', PASSWORD, attacker)).headers.get('retry-after')).toBe(String(WINDOW_MS / 1000 - 60));
    clock.nowMs += WINDOW_MS;
    expect((await logIn('victim', PASSWORD, attacker)).status).toBe(200);
    expect(api.logs.some((l) => l.includes('log-in refused: too many failed attempts'))).toBe(true);
  });

  it('10 failures from one address lock that address for every login, and no other address', async () => {
    const sprayer = '127.0.0.5';
    for (let i = 0; i < 10; i++) expect((await logIn(`ghost_${i}`, PASSWORD, sprayer)).status).toBe(401);
    const locked = await logIn('other', PASSWORD, sprayer);
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe('TOO_MANY_ATTEMPTS');
    expect((await logIn('other', PASSWORD, '127.0.0.6')).status).toBe(200);
    clock.nowMs += WINDOW_MS;
    expect((await logIn('other', PASSWORD, sprayer)).status).toBe(200);
  });

  it('a burst of concurrent guesses gets no more tries than the limit', async () => {
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => logIn('burst', `guess ${i}`, '127.0.0.7')));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(7);
  });

  it('successes do not count: an address may log in many times in a window', async () => {
    clock.nowMs += WINDOW_MS;
    for (let i = 0; i < 12; i++) expect((await logIn('other', PASSWORD, '127.0.0.8')).status).toBe(200);
  });
});
