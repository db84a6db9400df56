import { callApi, type StartedPlatformApi, startPlatformApi, TEST_DIALECTS } from '@glint/testkit/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** The parts of an OpenAPI 3 document this test reads. */
interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  required?: string[];
  maxLength?: number;
  pattern?: string;
  enum?: unknown[];
  format?: string;
  anyOf?: JsonSchema[];
  additionalProperties?: boolean;
}
interface Operation {
  summary?: string;
  security?: Record<string, string[]>[];
  tags?: string[];
  parameters?: { name: string; in: string; schema?: JsonSchema }[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: JsonSchema }> }>;
}
interface OpenApi {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
}

function operations(doc: OpenApi): { name: string; op: Operation }[] {
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, op })),
  );
}

/** Strings a client sends that have no bound: each must have a maxLength, a pattern, an enum or a format. */
function unboundedStrings(schema: JsonSchema | undefined, at: string): string[] {
  if (schema === undefined) return [];
  const nested = [
    ...Object.entries(schema.properties ?? {}).flatMap(([k, v]) => unboundedStrings(v, `${at}.${k}`)),
    ...unboundedStrings(schema.items, `${at}[]`),
    ...(schema.anyOf ?? []).flatMap((s) => unboundedStrings(s, at)),
  ];
  const bounded = schema.maxLength !== undefined || schema.pattern || schema.enum || schema.format;
  return schema.type === 'string' && !bounded ? [at, ...nested] : nested;
}

describe.each(TEST_DIALECTS)('API reference on %s', (dialect) => {
  let api: StartedPlatformApi;
  let doc: OpenApi;
  beforeAll(async () => {
    api = await startPlatformApi(dialect);
    const answer = await callApi(api.url('/api/openapi.json'));
    expect(answer.status).toBe(200);
    doc = answer.body;
  });
  afterAll(async () => {
    await api.stop();
  });

  it('is an OpenAPI 3 document with the accounts routes and their exact request schemas', () => {
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(doc.info).toMatchObject({ title: 'Glint API', version: '1' });
    const names = operations(doc).map((o) => o.name);
    expect(names).toEqual(
      expect.arrayContaining(['POST /api/auth/signup', 'POST /api/auth/login', 'POST /api/auth/logout', 'GET /api/me']),
    );
    const signup = doc.paths['/api/auth/signup']?.post;
    const body = signup?.requestBody?.content?.['application/json']?.schema;
    expect(body).toMatchObject({
      type: 'object',
      required: ['login', 'password'],
      additionalProperties: false,
      properties: {
        login: { type: 'string', pattern: '^[A-Za-z0-9_]{3,25}$' },
        password: { type: 'string', minLength: 8, maxLength: 256 },
        displayName: { type: 'string', minLength: 1, maxLength: 40 },
      },
    });
    expect(Object.keys(signup?.responses ?? {}).sort()).toEqual(['201', '400', '409', '413', '415', '429', '503']);
    expect(doc.paths['/api/me']?.get?.security).toEqual([{ bearer: [] }, { cookie: [] }]);
    expect(doc.paths['/api/auth/login']?.post?.security).toEqual([]);
    const reply = signup?.responses?.['201']?.content?.['application/json']?.schema;
    expect(Object.keys(reply?.properties ?? {})).toEqual(['user', 'token', 'expiresAt']);
    expect(Object.keys(reply?.properties?.user?.properties ?? {})).toEqual(['id', 'login', 'displayName']);
  });

  it('every route has tags, a summary, a schema for its success and the error shape for each refusal', () => {
    const problems: string[] = [];
    for (const { name, op } of operations(doc)) {
      if (!op.tags?.length) problems.push(`${name}: no tags`);
      if (!op.summary) problems.push(`${name}: no summary`);
      const statuses = Object.keys(op.responses ?? {});
      const success = statuses.filter((s) => s.startsWith('2'));
      if (success.length === 0) problems.push(`${name}: no success response`);
      for (const status of success) {
        const schema = op.responses?.[status]?.content?.['application/json']?.schema;
        if (status !== '204' && schema === undefined) problems.push(`${name}: ${status} has no schema`);
      }
      for (const status of statuses.filter((s) => Number(s) >= 400)) {
        const schema = op.responses?.[status]?.content?.['application/json']?.schema;
        if (schema?.required?.join() !== 'code,message') problems.push(`${name}: ${status} is not {code, message}`);
        if (!op.responses?.[status]?.description || op.responses[status]?.description === 'Default Response') {
          problems.push(`${name}: ${status} is not described`);
        }
      }
      for (const status of ['429', '503']) if (!statuses.includes(status)) problems.push(`${name}: no ${status}`);
      if (statuses.includes('401') && op.security === undefined) problems.push(`${name}: 401 but no security`);
      const hasInput = op.requestBody !== undefined || (op.parameters?.length ?? 0) > 0;
      if (hasInput && !statuses.includes('400')) problems.push(`${name}: takes input but lists no 400`);
      if (op.requestBody !== undefined && !(statuses.includes('413') && statuses.includes('415'))) {
        problems.push(`${name}: takes a body but lists no 413/415`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('every string a client sends is bounded (a length, a pattern, an enum or a format)', () => {
    const unbounded = operations(doc).flatMap(({ name, op }) => [
      ...unboundedStrings(op.requestBody?.content?.['application/json']?.schema, `${name} body`),
      ...(op.parameters ?? []).flatMap((p) => unboundedStrings(p.schema, `${name} ${p.in}.${p.name}`)),
    ]);
    expect(unbounded).toEqual([]);
  });

  it('the reference page is HTML, every file it links loads, and the document it reads is this one', async () => {
    const page = await callApi(api.url('/api/docs'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = page.headers.get('content-security-policy');
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    // Served over plain HTTP (no secureCookies), the page must not send its own files to https://.
    expect(csp).not.toContain('upgrade-insecure-requests');
    const assets = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(assets.length).toBeGreaterThanOrEqual(5);
    for (const asset of assets) {
      const loaded = await fetch(new URL(asset, api.url('/api/docs')));
      expect(`${asset} ${loaded.status}`).toBe(`${asset} 200`);
      const type = loaded.headers.get('content-type') ?? '';
      if (asset.endsWith('.js')) expect(type).toMatch(/javascript/);
      if (asset.endsWith('.css')) expect(type).toMatch(/^text\/css/);
      await loaded.arrayBuffer();
    }
    const initializer = await callApi(api.url('/api/docs/static/swagger-initializer.js'));
    expect(initializer.text).toContain("resolveUrl('./json')");
    const read = await callApi(api.url('/api/docs/json'));
    expect(read.status).toBe(200);
    expect(Object.keys(read.body.paths)).toEqual(Object.keys(doc.paths));
  });
});
