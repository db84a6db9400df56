import {
  type ApiAnswer,
  type ApiCallOptions,
  callApi,
  type StartedPlatformApi,
  startPlatformApi,
  TEST_DIALECTS,
} from '@glint/testkit/platform';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const PASSWORD = 'correct horse battery';
const DAY_MS = 24 * 3600_000;

/** The session cookie's attributes, by lower-case name ("max-age", "httponly" …), with its value under "value". */
function sessionCookie(answer: ApiAnswer): Record<string, string> {
  const line = answer.headers.getSetCookie().find((c) => c.startsWith('glint_session='));
  if (line === undefined)
    throw new Error(`no glint_session cookie in ${JSON.stringify(answer.headers.getSetCookie())}`);
  const [first = '', ...rest] = line.split(';').map((p) => p.trim());
  const attributes: Record<string, string> = { value: first.slice('glint_session='.length) };
  for (const part of rest) {
    const [name = '', value = ''] = part.split('=');
    attributes[name.toLowerCase()] = value;
  }
  return attributes;
}

describe.each(TEST_DIALECTS)('accounts over HTTP on %s', (dialect) => {
  let api: StartedPlatformApi;
  /** Every answer of the suite, to check what none of them carried. */
  const answers: { path: string; answer: ApiAnswer }[] = [];
  const call = async (path: string, options: ApiCallOptions = {}) => {
    const answer = await callApi(api.url(path), options);
    answers.push({ path, answer });
    return answer;
  };
  const signUp = (login: string, displayName?: string) =>
    call('/api/auth/signup', { json: { login, password: PASSWORD, ...(displayName && { displayName }) } });

  beforeAll(async () => {
    api = await startPlatformApi(dialect);
  });
  afterAll(async () => {
    await api.stop();
  });

  it('signs up: 201 with the user, a token and its expiry, the session cookie, and a channel named after the login', async () => {
    const before = Date.now();
    const answer = await signUp('Alice_1', 'Alice in Chains');
    expect(answer.status).toBe(201);
    expect(answer.body).toEqual({
      user: { id: expect.stringMatching(/^[0-9a-z]{19}$/), login: 'alice_1', displayName: 'Alice in Chains' },
      token: expect.stringMatching(/^glint_s_[A-Za-z0-9_-]{43}$/),
      expiresAt: expect.any(Number),
    });
    expect(answer.body.expiresAt - before).toBeGreaterThanOrEqual(30 * DAY_MS - 1000);
    expect(answer.body.expiresAt - Date.now()).toBeLessThanOrEqual(30 * DAY_MS);
    const cookie = sessionCookie(answer);
    expect(cookie).toEqual({
      value: answer.body.token,
      'max-age': String(30 * 24 * 3600),
      path: '/',
      httponly: '',
      samesite: 'Lax',
    });

    const me = await call('/api/me', { cookie: `glint_session=${cookie.value}` });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({
      user: answer.body.user,
      channel: { name: 'alice_1', title: '', category: 'Just Chatting', language: 'en' },
    });
  });

  it('the display name defaults to the login as typed', async () => {
    const answer = await signUp('Bob_2');
    expect(answer.body.user).toMatchObject({ login: 'bob_2', displayName: 'Bob_2' });
  });

  it('a taken login, in any case, is 409 LOGIN_TAKEN', async () => {
    await signUp('carol');
    for (const login of ['carol', 'CAROL']) {
      const answer = await signUp(login);
      expect(answer.status).toBe(409);
      expect(answer.body).toEqual({ code: 'LOGIN_TAKEN', message: 'the login carol is taken; choose another' });
    }
  });

  it.each([
    ['a login of 2 characters', { login: 'ab' }, 'body.login is not valid'],
    ['a login of 26 characters', { login: 'a'.repeat(26) }, 'body.login is not valid'],
    ['a login with a dash', { login: 'al-ice' }, 'body.login is not valid'],
    ['a login with an accent', { login: 'alicé' }, 'body.login is not valid'],
    ['a password of 7 characters', { password: 'x'.repeat(7) }, 'body.password must have at least 8 characters'],
    ['a password of 257 characters', { password: 'x'.repeat(257) }, 'body.password must have at most 256 characters'],
    ['a password with a line break', { password: 'correct\nhorse' }, 'body.password is not valid'],
    ['a display name of 41 characters', { displayName: 'd'.repeat(41) }, 'body.displayName must have at most 40'],
    ['an empty display name', { displayName: '' }, 'body.displayName must have at least 1 character'],
    ['a display name with a bell', { displayName: 'ding\u0007' }, 'body.displayName is not valid'],
    ['a display name with a lone surrogate', { displayName: 'half \ud83c' }, 'body.displayName is not valid'],
    ['a password with a lone surrogate', { password: 'correct horse \udfa5' }, 'body.password is not valid'],
    ['a password that is a number', { password: 12345678 }, 'body.password must be a string'],
    ['an unknown field', { admin: true }, 'body.admin is not a field this request takes'],
  ])('refuses %s with 400 BAD_REQUEST naming the field, and creates nothing', async (_what, change, message) => {
    const answer = await call('/api/auth/signup', { json: { login: 'dave', password: PASSWORD, ...change } });
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('BAD_REQUEST');
    expect(answer.body.message).toContain(message);
    expect(Object.keys(answer.body)).toEqual(['code', 'message']);
    expect(await api.platform.accounts.userByLogin('dave')).toBeNull();
  });

  it('a display name of 40 characters, emoji counted as one, is taken', async () => {
    const displayName = `${'🎥'.repeat(20)}${'d'.repeat(20)}`;
    const answer = await call('/api/auth/signup', { json: { login: 'emoji', password: PASSWORD, displayName } });
    expect(answer.status).toBe(201);
    expect(answer.body.user.displayName).toBe(displayName);
  });

  it('a missing password is 400 naming it', async () => {
    const answer = await call('/api/auth/signup', { json: { login: 'erin' } });
    expect(answer).toMatchObject({ status: 400, body: { code: 'BAD_REQUEST', message: 'body.password is required' } });
  });

  it('logs in (login in any case): 200 with a new token, set as the cookie, that works as a Bearer token', async () => {
    const created = await signUp('frank');
    const answer = await call('/api/auth/login', { json: { login: 'FRANK', password: PASSWORD } });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ user: created.body.user, token: expect.any(String), expiresAt: expect.any(Number) });
    expect(answer.body.token).not.toBe(created.body.token);
    expect(sessionCookie(answer)).toMatchObject({ value: answer.body.token, httponly: '', samesite: 'Lax', path: '/' });
    const me = await call('/api/me', { bearer: answer.body.token });
    expect(me.status).toBe(200);
    expect(me.body.user).toEqual(created.body.user);
    expect(me.body.channel.name).toBe('frank');
  });

  it('a wrong password and an unknown login get the same 401 BAD_CREDENTIALS', async () => {
    await signUp('grace');
    const wrong = await call('/api/auth/login', { json: { login: 'grace', password: 'wrong password' } });
    const unknown = await call('/api/auth/login', { json: { login: 'nobody_here', password: PASSWORD } });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({
      code: 'BAD_CREDENTIALS',
      message: 'that login and password do not match an account; check both and retry',
    });
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
    expect(wrong.headers.getSetCookie()).toEqual([]);
  });

  it('log-in validates its body too: unknown fields and bad types are 400', async () => {
    const extra = await call('/api/auth/login', { json: { login: 'grace', password: PASSWORD, remember: true } });
    expect(extra.body).toEqual({
      code: 'BAD_REQUEST',
      message: 'body.remember is not a field this request takes; remove it',
    });
    const typed = await call('/api/auth/login', { json: { login: ['grace'], password: PASSWORD } });
    expect(typed.body).toEqual({ code: 'BAD_REQUEST', message: 'body.login must be a string' });
  });

  it('/api/me without a session, or with an unknown token, is 401 UNAUTHENTICATED', async () => {
    for (const options of [{}, { bearer: 'glint_s_nope' }, { cookie: 'glint_session=glint_s_nope' }]) {
      const answer = await call('/api/me', options);
      expect(answer.status).toBe(401);
      expect(answer.body.code).toBe('UNAUTHENTICATED');
    }
  });

  it('a cookie whose session is gone is cleared; a dead Bearer token sets no cookie', async () => {
    const stale = await call('/api/me', { cookie: 'glint_session=glint_s_gone' });
    expect(stale.status).toBe(401);
    expect(sessionCookie(stale)).toMatchObject({ value: '', path: '/', httponly: '', samesite: 'Lax' });
    const bearer = await call('/api/me', { bearer: 'glint_s_gone' });
    expect(bearer.headers.getSetCookie()).toEqual([]);
  });

  it('log-out (cookie) deletes the session and clears the cookie; the token is refused afterwards', async () => {
    const { body } = await signUp('heidi');
    const cookie = `glint_session=${body.token}`;
    const out = await call('/api/auth/logout', { method: 'POST', cookie });
    expect(out.status).toBe(204);
    expect(out.text).toBe('');
    const cleared = sessionCookie(out);
    expect(cleared.value).toBe('');
    expect(cleared).toMatchObject({ path: '/', httponly: '', samesite: 'Lax' });
    expect(cleared['max-age'] === '0' || new Date(cleared.expires ?? '').getTime() <= Date.now()).toBe(true);
    expect((await call('/api/me', { cookie })).status).toBe(401);
    expect((await call('/api/me', { bearer: body.token })).status).toBe(401);
  });

  it('log-out (Bearer) ends only that session; without a session it is still 204', async () => {
    await signUp('ivan');
    const first = await call('/api/auth/login', { json: { login: 'ivan', password: PASSWORD } });
    const second = await call('/api/auth/login', { json: { login: 'ivan', password: PASSWORD } });
    expect((await call('/api/auth/logout', { method: 'POST', bearer: first.body.token })).status).toBe(204);
    expect((await call('/api/me', { bearer: first.body.token })).status).toBe(401);
    expect((await call('/api/me', { bearer: second.body.token })).status).toBe(200);
    expect((await call('/api/auth/logout', { method: 'POST' })).status).toBe(204);
  });

  it('a Bearer token wins over a cookie, and the scheme is case-insensitive', async () => {
    const judy = await signUp('judy');
    const ken = await signUp('ken');
    const both = await call('/api/me', { bearer: judy.body.token, cookie: `glint_session=${ken.body.token}` });
    expect(both.body.user.login).toBe('judy');
    const lower = await call('/api/me', { headers: { authorization: `bearer ${ken.body.token}` } });
    expect(lower.body.user.login).toBe('ken');
  });

  afterEach(() => {
    // What no answer may carry: a password hash, the password, or a session token outside signup/login replies.
    for (const { path, answer } of answers) {
      expect(answer.text).not.toMatch(/argon2|password_hash|passwordHash/);
      expect(answer.text).not.toContain(PASSWORD);
      if (!path.startsWith('/api/auth/signup') && !path.startsWith('/api/auth/login')) {
        expect(answer.text).not.toMatch(/glint_s_[A-Za-z0-9_-]{20}/);
      }
    }
    answers.length = 0;
    const logs = api.logs.join('\n');
    expect(logs).not.toContain(PASSWORD);
    expect(logs).not.toMatch(/glint_s_[A-Za-z0-9_-]{20}/);
  });
});

describe.each(TEST_DIALECTS)('session lifetime and cookie options on %s', (dialect) => {
  const clock = { nowMs: Date.UTC(2026, 0, 1) };
  let api: StartedPlatformApi;
  beforeAll(async () => {
    api = await startPlatformApi(dialect, {
      platform: { nowMs: () => clock.nowMs, accounts: { sessionTtlMs: 3600_000 } },
      limits: { secureCookies: true },
    });
  });
  afterAll(async () => {
    await api.stop();
  });

  it('the cookie lives as long as the session and is Secure when asked; an expired session is refused', async () => {
    const start = clock.nowMs;
    const answer = await callApi(api.url('/api/auth/signup'), { json: { login: 'lena', password: PASSWORD } });
    expect(answer.body.expiresAt).toBe(start + 3600_000);
    expect(sessionCookie(answer)).toMatchObject({ 'max-age': '3600', secure: '', httponly: '', samesite: 'Lax' });
    const { token } = answer.body;

    clock.nowMs = start + 3600_000 - 1;
    expect((await callApi(api.url('/api/me'), { bearer: token })).status).toBe(200);
    clock.nowMs = start + 3600_000;
    const expired = await callApi(api.url('/api/me'), { bearer: token });
    expect(expired.status).toBe(401);
    expect(expired.body.code).toBe('UNAUTHENTICATED');
    expect((await callApi(api.url('/api/me'), { cookie: `glint_session=${token}` })).status).toBe(401);

    const again = await callApi(api.url('/api/auth/login'), { json: { login: 'lena', password: PASSWORD } });
    expect(again.body.expiresAt).toBe(clock.nowMs + 3600_000);
    expect((await callApi(api.url('/api/me'), { bearer: again.body.token })).status).toBe(200);
  });
});
