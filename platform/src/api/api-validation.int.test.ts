import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Platform, platformApi } from '@glint/platform';
import {
  callApi,
  createTestDatabase,
  type StartedPlatformApi,
  startPlatformApi,
  TEST_DIALECTS,
} from '@glint/testkit/platform';
import Fastify, { type FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { Type } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Closed, Id, PageQuery } from './schemas.ts';

const PASSWORD = 'correct horse battery';
const JSON_TYPE = { 'content-type': 'application/json' };

describe.each(TEST_DIALECTS)('request framing on %s', (dialect) => {
  let api: StartedPlatformApi;
  beforeAll(async () => {
    api = await startPlatformApi(dialect);
  });
  afterAll(async () => {
    await api.stop();
  });
  const signup = (options: Parameters<typeof callApi>[1]) => callApi(api.url('/api/auth/signup'), options);

  it.each([
    ['malformed JSON', '{"login": "amy",', 'the body is not valid JSON'],
    ['a __proto__ key', '{"login":"amy","password":"correct horse","__proto__":{"admin":true}}', 'not valid JSON'],
    ['an empty body', '', 'the body is empty'],
    ['a JSON array', '["amy"]', 'body must be an object'],
    ['a JSON string', '"amy"', 'body must be an object'],
    ['null', 'null', 'body must be an object'],
  ])('%s is 400 BAD_REQUEST', async (_what, rawBody, message) => {
    const answer = await signup({ rawBody, headers: JSON_TYPE });
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('BAD_REQUEST');
    expect(answer.body.message).toContain(message);
    expect(Object.keys(answer.body)).toEqual(['code', 'message']);
  });

  it.each([
    ['text/plain', 'login=amy'],
    ['application/x-www-form-urlencoded', 'login=amy&password=correct+horse+battery'],
    ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="login"\r\n\r\namy\r\n--x--\r\n'],
    ['application/xml', '<login>amy</login>'],
  ])('a %s body is 415 UNSUPPORTED_MEDIA_TYPE', async (type, rawBody) => {
    const answer = await signup({ rawBody, headers: { 'content-type': type } });
    expect(answer.status).toBe(415);
    expect(answer.body).toEqual({
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: 'send the body as JSON, with Content-Type: application/json',
    });
  });

  it('a body over 16 KiB is 413 BODY_TOO_LARGE; one just under is read (and judged on its fields)', async () => {
    const over = JSON.stringify({ login: 'amy', password: PASSWORD, displayName: 'x'.repeat(16 * 1024) });
    const tooLarge = await signup({ rawBody: over, headers: JSON_TYPE });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body).toEqual({ code: 'BODY_TOO_LARGE', message: 'a request body may have at most 16384 bytes' });

    const padding = 16 * 1024 - JSON.stringify({ login: 'amy', password: PASSWORD, displayName: '' }).length;
    const under = JSON.stringify({ login: 'amy', password: PASSWORD, displayName: 'x'.repeat(padding) });
    expect(under.length).toBe(16 * 1024);
    const read = await signup({ rawBody: under, headers: JSON_TYPE });
    expect(read.status).toBe(400);
    expect(read.body.message).toBe('body.displayName must have at most 40 characters');
  });

  it('an unknown API path is 404 NOT_FOUND in the same shape', async () => {
    const answer = await callApi(api.url('/api/no/such/thing?x=1'));
    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({ code: 'NOT_FOUND', message: 'no API route GET /api/no/such/thing; see /api/docs' });
  });

  it('after every refusal above, a good request is still served', async () => {
    const answer = await signup({ json: { login: 'amy', password: PASSWORD } });
    expect(answer.status).toBe(201);
  });
});

/**
 * A route of the test's own, mounted inside the API's scope, so what the API does to any route (ids and queries
 * checked, errors shaped, failures logged) is tested whatever routes the other parts of the API have today.
 */
async function startProbe(dialect: (typeof TEST_DIALECTS)[number]) {
  const database = await createTestDatabase(dialect);
  const logs: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => logs.push(line) });
  const platform = await Platform.open({ databaseUrl: database.url, logger, reconnectGraceMs: 1000 });
  const app: FastifyInstance = Fastify({ logger: false });
  await app.register(
    async (scope) => {
      await platformApi(scope, { platform });
      const typed = scope.withTypeProvider<TypeBoxTypeProvider>();
      typed.get(
        '/probe/:id',
        {
          schema: {
            params: Closed({ id: Id }),
            querystring: PageQuery,
            response: { 200: Type.Object({ id: Type.String(), limit: Type.Integer() }) },
          },
        },
        async (request) => ({ id: request.params.id, limit: request.query.limit ?? 0 }),
      );
      typed.get('/probe-fails', async () => {
        throw new Error('the probe broke at /var/lib/secret-path');
      });
    },
    { prefix: '/api' },
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    logs,
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    stop: async () => {
      await app.close();
      await platform.close();
      await database.drop();
    },
  };
}

describe.each(TEST_DIALECTS)('path and query validation on %s', (dialect) => {
  let probe: Awaited<ReturnType<typeof startProbe>>;
  const ID = '0mhx4k2p1abcdefghij';
  beforeAll(async () => {
    probe = await startProbe(dialect);
  });
  afterAll(async () => {
    await probe.stop();
  });

  it('a good id and query pass, the query coerced to its type', async () => {
    const answer = await callApi(probe.url(`/api/probe/${ID}?limit=5`));
    expect(answer).toMatchObject({ status: 200, body: { id: ID, limit: 5 } });
  });

  it.each([
    ['an id one short', `/api/probe/${ID.slice(1)}`, 'path.id is not valid (a time-ordered id)'],
    ['an id in capitals', `/api/probe/${ID.toUpperCase()}`, 'path.id is not valid (a time-ordered id)'],
    ['an id with an encoded slash', `/api/probe/${ID.slice(3)}%2F..`, 'path.id is not valid (a time-ordered id)'],
    ['an id of 100 characters', `/api/probe/${'a'.repeat(100)}`, 'path.id is not valid (a time-ordered id)'],
    ['a limit that is a word', `/api/probe/${ID}?limit=many`, 'query.limit must be an integer'],
    ['a limit over 100', `/api/probe/${ID}?limit=101`, 'query.limit must be <= 100'],
    ['an unknown query field', `/api/probe/${ID}?admin=1`, 'query.admin is not a field this request takes; remove it'],
    ['a bad cursor', `/api/probe/${ID}?cursor=a-b`, 'query.cursor is not valid (nextCursor of the previous page)'],
  ])('%s is 400 BAD_REQUEST naming it', async (_what, path, message) => {
    const answer = await callApi(probe.url(path));
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ code: 'BAD_REQUEST', message });
  });

  it('a path segment over 100 characters is refused by the router (414) before the API sees it', async () => {
    // Fastify answers this itself, with its own code, unless the server that mounts the API sets frameworkErrors.
    const answer = await callApi(probe.url(`/api/probe/${'a'.repeat(101)}`));
    expect(answer.status).toBe(414);
    expect(answer.body).toMatchObject({ code: 'FST_ERR_MAX_PARAM_LENGTH', message: expect.any(String) });
  });

  it('a route that fails answers 500 INTERNAL without its details, and logs them', async () => {
    const answer = await callApi(probe.url('/api/probe-fails'));
    expect(answer.status).toBe(500);
    expect(answer.body).toEqual({ code: 'INTERNAL', message: 'internal error' });
    expect(probe.logs.some((l) => l.includes('API request failed') && l.includes('/var/lib/secret-path'))).toBe(true);
    expect((await callApi(probe.url(`/api/probe/${ID}`))).status).toBe(200);
  });
});
