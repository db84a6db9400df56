import { callApi, type StartedPlatformApi, startPlatformApi, TEST_DIALECTS } from '@glint/testkit/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const PASSWORD = 'correct horse battery';

/** Every string in a JSON value, however deep. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

/**
 * A sweep over every GET route the OpenAPI document lists, signed in as a broadcaster whose channel has a stream
 * key: no reply carries a password hash, the password, a session token or the stream key, whichever part of the API
 * the route belongs to.
 */
describe.each(TEST_DIALECTS)('secrets in replies on %s', (dialect) => {
  let api: StartedPlatformApi;
  beforeAll(async () => {
    api = await startPlatformApi(dialect);
  });
  afterAll(async () => {
    await api.stop();
  });

  it('no GET route shows a password hash, a password, a session token or a stream key', async () => {
    const signup = await callApi(api.url('/api/auth/signup'), { json: { login: 'sweep', password: PASSWORD } });
    expect(signup.status).toBe(201);
    const token: string = signup.body.token;
    const login = await callApi(api.url('/api/auth/login'), { json: { login: 'sweep', password: PASSWORD } });
    const secrets = [PASSWORD, token, login.body.token];
    const doc = (await callApi(api.url('/api/openapi.json'))).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    if (doc.paths['/api/channels/{name}/stream-key']?.post !== undefined) {
      const key = await callApi(api.url('/api/channels/sweep/stream-key'), { method: 'POST', bearer: token });
      secrets.push(...strings(key.body).filter((s) => s.startsWith('live_')));
      expect(secrets, 'the new stream key was not found in its reply').toHaveLength(4);
    }

    const gets = Object.entries(doc.paths).filter(([, methods]) => methods.get !== undefined);
    expect(gets.length).toBeGreaterThanOrEqual(2);
    const seen: string[] = [];
    for (const [template] of gets) {
      const path = template
        .replace('{name}', 'sweep')
        .replace('{login}', 'sweep')
        .replace('{role}', 'moderator')
        .replace('{id}', '0000000000000000000');
      for (const auth of [{ bearer: token }, { cookie: `glint_session=${token}` }, {}]) {
        const answer = await callApi(api.url(path), auth);
        seen.push(`${path} ${answer.status}`);
        expect(answer.text, path).not.toMatch(/argon2|password_hash|passwordHash|token_hash|key_hash/);
        for (const secret of secrets) expect(answer.text.includes(secret), `${path} shows a secret`).toBe(false);
      }
    }
    expect(seen.some((s) => s.startsWith('/api/me 200'))).toBe(true);
  });
});
