import { callApi, type StartedPlatformApi, startPlatformApi, TEST_DIALECTS } from '@glint/testkit/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const PASSWORD = 'correct horse battery';

describe.each(TEST_DIALECTS)('rate limits on %s', (dialect) => {
  describe('per address', () => {
    let api: StartedPlatformApi;
    beforeAll(async () => {
      api = await startPlatformApi(dialect, { limits: { perIpPerMinute: 5 } });
    });
    afterAll(async () => {
      await api.stop();
    });

    it('the request past the limit is 429 RATE_LIMITED with Retry-After; another address is still served', async () => {
      const from = '127.0.0.10';
      for (let i = 0; i < 5; i++) expect((await callApi(api.url('/api/me'), { localAddress: from })).status).toBe(401);
      const limited = await callApi(api.url('/api/me'), { localAddress: from });
      expect(limited.status).toBe(429);
      expect(limited.body.code).toBe('RATE_LIMITED');
      expect(limited.body.message).toMatch(/^too many requests from your address; try again in \d+ s$/);
      expect(Object.keys(limited.body)).toEqual(['code', 'message']);
      const retryAfter = Number(limited.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      // Every route, valid or not, counts and is refused alike.
      const signup = await callApi(api.url('/api/auth/signup'), {
        json: { login: 'zed', password: PASSWORD },
        localAddress: from,
      });
      expect(signup.status).toBe(429);
      expect((await callApi(api.url('/api/me'), { localAddress: '127.0.0.11' })).status).toBe(401);
    });
  });

  describe('sign-ups per address', () => {
    let api: StartedPlatformApi;
    beforeAll(async () => {
      api = await startPlatformApi(dialect, { limits: { signupsPerHourPerIp: 2 } });
    });
    afterAll(async () => {
      await api.stop();
    });

    it('an address past its sign-ups for the hour gets 429 TOO_MANY_SIGNUPS and no account; others still sign up', async () => {
      const signUp = (login: string, localAddress: string) =>
        callApi(api.url('/api/auth/signup'), { json: { login, password: PASSWORD }, localAddress });
      expect((await signUp('first_one', '127.0.0.20')).status).toBe(201);
      expect((await signUp('second_one', '127.0.0.20')).status).toBe(201);
      const third = await signUp('third_one', '127.0.0.20');
      expect(third.status).toBe(429);
      expect(third.body.code).toBe('TOO_MANY_SIGNUPS');
      expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(60);
      expect(await api.platform.accounts.userByLogin('third_one')).toBeNull();
      expect((await signUp('third_one', '127.0.0.21')).status).toBe(201);
    });
  });

  describe('per account', () => {
    const clock = { nowMs: Date.UTC(2026, 3, 1) };
    let api: StartedPlatformApi;
    beforeAll(async () => {
      api = await startPlatformApi(dialect, {
        limits: { perAccountPerMinute: 3 },
        platform: { nowMs: () => clock.nowMs },
      });
    });
    afterAll(async () => {
      await api.stop();
    });

    it('an account past its limit is 429 from every address; anonymous and other accounts are served', async () => {
      const yara = await callApi(api.url('/api/auth/signup'), { json: { login: 'yara', password: PASSWORD } });
      const xeno = await callApi(api.url('/api/auth/signup'), { json: { login: 'xeno', password: PASSWORD } });
      for (let i = 0; i < 3; i++)
        expect((await callApi(api.url('/api/me'), { bearer: yara.body.token })).status).toBe(200);

      const limited = await callApi(api.url('/api/me'), { bearer: yara.body.token });
      expect(limited.status).toBe(429);
      expect(limited.body).toEqual({
        code: 'RATE_LIMITED',
        message: 'too many requests from your account; try again in 60 s',
      });
      expect(limited.headers.get('retry-after')).toBe('60');
      const cookie = `glint_session=${yara.body.token}`;
      expect((await callApi(api.url('/api/me'), { cookie, localAddress: '127.0.0.12' })).status).toBe(429);

      expect((await callApi(api.url('/api/me'))).status).toBe(401);
      expect((await callApi(api.url('/api/me'), { bearer: xeno.body.token })).status).toBe(200);

      clock.nowMs += 30_000;
      expect((await callApi(api.url('/api/me'), { bearer: yara.body.token })).headers.get('retry-after')).toBe('30');
      clock.nowMs += 30_000;
      expect((await callApi(api.url('/api/me'), { bearer: yara.body.token })).status).toBe(200);
    });
  });
});
