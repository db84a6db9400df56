import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Platform, verifyWebhookSignature } from '@glint/platform';
import { until } from '@glint/testkit';
import { type StartedPlatformApi, startPlatformApi, TEST_DIALECTS } from '@glint/testkit/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** Checked here with node:crypto, independently of the platform's own code. */
  readonly signatureValid: boolean;
}

interface Receiver {
  readonly url: string;
  readonly received: Received[];
  secret: string;
  /** Status to answer to the n-th request (0-based). */
  answer: (n: number) => number;
  close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const receiver = {
    received: [] as Received[],
    secret: '',
    answer: (_n: number) => 200,
  };
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    request.on('end', () => {
      const header = String(request.headers['glint-signature'] ?? '');
      const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
      const expected = createHmac('sha256', receiver.secret).update(`${match?.[1]}.${body}`).digest();
      const given = Buffer.from(match?.[2] ?? '', 'hex');
      const fresh = Math.abs(Date.now() / 1000 - Number(match?.[1])) <= 300;
      const signatureValid = match !== null && fresh && timingSafeEqual(given, expected);
      const n = receiver.received.push({ headers: request.headers, body, signatureValid }) - 1;
      response.writeHead(receiver.answer(n)).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}/hook?src=glint`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

const PASSWORD = 'correct horse battery';

describe.each(TEST_DIALECTS)('webhooks on %s', (dialect) => {
  let api: StartedPlatformApi;
  let platform: Platform;
  const tokens: Record<string, string> = {};
  const receivers: Receiver[] = [];
  const call = (who: string | null, method: string, path: string, body?: unknown) =>
    fetch(api.url(path), {
      method,
      headers: {
        ...(who === null ? {} : { authorization: `Bearer ${tokens[who]}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const addHook = async (who: string, channel: string, receiver: Receiver) => {
    const response = await call(who, 'POST', `/api/channels/${channel}/webhooks`, { url: receiver.url });
    expect(response.status).toBe(201);
    const hook = (await response.json()) as { id: string; url: string; secret: string; createdAt: number };
    receiver.secret = hook.secret;
    return hook;
  };
  const receiver = async () => {
    const started = await startReceiver();
    receivers.push(started);
    return started;
  };
  const deliveries = () => platform.database.db.selectFrom('webhook_deliveries').selectAll().execute();

  beforeAll(async () => {
    api = await startPlatformApi(dialect, {
      platform: {
        reconnectGraceMs: 50,
        webhooks: { allowPrivateTargets: true, backoffBaseMs: 20, maxAttempts: 4, pollIntervalMs: 50 },
      },
    });
    platform = api.platform;
    for (const login of ['alice', 'bob', 'carol']) {
      await platform.signUp(login, PASSWORD);
      tokens[login] = (await platform.accounts.logIn(login, PASSWORD))?.token ?? '';
    }
  });
  afterAll(async () => {
    await api?.stop();
    await Promise.all(receivers.map((r) => r.close()));
  });

  it('creates a webhook with its secret shown once; the list has no secrets, and neither do the logs', async () => {
    const target = await receiver();
    const hook = await addHook('alice', 'alice', target);
    expect(hook).toMatchObject({ url: target.url, createdAt: expect.any(Number) });
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const list = await call('alice', 'GET', '/api/channels/alice/webhooks');
    expect(list.status).toBe(200);
    const text = await list.text();
    expect(JSON.parse(text)).toEqual({ items: [{ id: hook.id, url: target.url, createdAt: hook.createdAt }] });
    expect(text).not.toContain(hook.secret);
    expect(await (await call('alice', 'DELETE', `/api/channels/alice/webhooks/${hook.id}`)).status).toBe(204);
    expect(api.logs.join('\n')).not.toContain(hook.secret);
  });

  it('signs each delivery, retries a 500 with the same event id and body, and records the delivery', async () => {
    const target = await receiver();
    target.answer = (n) => (n === 0 ? 500 : 200);
    const hook = await addHook('alice', 'alice', target);

    platform.broadcasts.streamStarted('alice');
    await until(() => target.received.length >= 2, { what: 'the first attempt and its retry' });
    const [first, retry] = target.received;
    for (const request of [first, retry]) {
      expect(request?.signatureValid).toBe(true);
      expect(request?.headers['glint-event-type']).toBe('stream.online');
      expect(request?.headers['content-type']).toBe('application/json');
      expect(request?.headers['glint-signature']).toContain(`t=${request?.headers['glint-timestamp']},v1=`);
      const header = String(request?.headers['glint-signature']);
      expect(verifyWebhookSignature(hook.secret, header, request?.body ?? '', Math.floor(Date.now() / 1000))).toBe(
        true,
      );
      expect(verifyWebhookSignature('whsec_wrong', header, request?.body ?? '', Math.floor(Date.now() / 1000))).toBe(
        false,
      );
    }
    expect(retry?.headers['glint-event-id']).toBe(first?.headers['glint-event-id']);
    expect(retry?.body).toBe(first?.body);
    const body = JSON.parse(first?.body ?? '{}');
    expect(body).toMatchObject({
      id: first?.headers['glint-event-id'],
      type: 'stream.online',
      channel: 'alice',
      data: { broadcastId: platform.broadcasts.onAir('alice')?.broadcastId },
    });
    await until(async () => (await deliveries()).find((d) => d.webhook_id === hook.id && d.delivered_at !== null), {
      what: 'the delivery to be recorded',
    });
    const [row] = (await deliveries()).filter((d) => d.webhook_id === hook.id);
    expect(row).toMatchObject({ attempts: 2, last_status: 200, failed_at: null, event_type: 'stream.online' });

    platform.broadcasts.streamEnded('alice');
    await until(() => target.received.some((r) => r.headers['glint-event-type'] === 'stream.offline'), {
      what: 'the offline event',
    });
    const offline = target.received.find((r) => r.headers['glint-event-type'] === 'stream.offline');
    expect(offline?.signatureValid).toBe(true);
    expect(JSON.parse(offline?.body ?? '{}')).toMatchObject({ type: 'stream.offline', data: { peakViewers: 0 } });
  });

  it('a deleted webhook receives nothing more; the others still do', async () => {
    const kept = await receiver();
    const deleted = await receiver();
    await addHook('bob', 'bob', kept);
    const gone = await addHook('bob', 'bob', deleted);
    expect((await call('bob', 'DELETE', `/api/channels/bob/webhooks/${gone.id}`)).status).toBe(204);
    expect((await call('bob', 'DELETE', `/api/channels/bob/webhooks/${gone.id}`)).status).toBe(404);
    platform.broadcasts.streamStarted('bob');
    platform.broadcasts.streamEnded('bob');
    await until(() => kept.received.length === 2, { what: 'the kept webhook’s online and offline events' });
    await platform.webhooks.settled();
    expect(deleted.received).toEqual([]);
    expect((await deliveries()).filter((d) => d.webhook_id === gone.id)).toEqual([]);
  });

  it('gives up after the last attempt and marks the delivery failed', async () => {
    const target = await receiver();
    target.answer = () => 503;
    const hook = await addHook('carol', 'carol', target);
    platform.broadcasts.streamStarted('carol');
    const failed = await until(
      async () => (await deliveries()).find((d) => d.webhook_id === hook.id && d.failed_at !== null),
      { what: 'the delivery to fail for good' },
    );
    expect(failed).toMatchObject({ attempts: 4, last_status: 503, delivered_at: null });
    expect(target.received).toHaveLength(4);
    expect(new Set(target.received.map((r) => r.headers['glint-event-id'])).size).toBe(1);
    expect(api.logs.some((line) => line.includes('webhook delivery failed for good'))).toBe(true);
    expect(api.logs.join('\n')).not.toContain(target.secret);
    expect((await call('carol', 'DELETE', `/api/channels/carol/webhooks/${hook.id}`)).status).toBe(204);
  });

  it('refuses bad URLs, an 11th webhook, other people’s channels and the anonymous, and still serves others', async () => {
    const cases: [string | null, string, unknown, number, string][] = [
      ['carol', 'carol', { url: 'ftp://example.com/hook' }, 400, 'BAD_WEBHOOK_URL'],
      ['carol', 'carol', { url: 'javascript:alert(1)' }, 400, 'BAD_WEBHOOK_URL'],
      ['carol', 'carol', { url: 'not a url' }, 400, 'BAD_WEBHOOK_URL'],
      ['carol', 'carol', { url: 'https://user:pass@example.com/hook' }, 400, 'BAD_WEBHOOK_URL'],
      ['carol', 'carol', { url: `https://example.com/${'a'.repeat(2040)}` }, 400, 'BAD_REQUEST'],
      ['carol', 'carol', { url: 'https://example.com/', extra: 1 }, 400, 'BAD_REQUEST'],
      ['carol', 'carol', {}, 400, 'BAD_REQUEST'],
      ['bob', 'carol', { url: 'https://example.com/hook' }, 403, 'FORBIDDEN'],
      ['carol', 'nobody_here', { url: 'https://example.com/hook' }, 404, 'NOT_FOUND'],
      [null, 'carol', { url: 'https://example.com/hook' }, 401, 'UNAUTHENTICATED'],
    ];
    for (const [who, channel, body, status, code] of cases) {
      const response = await call(who, 'POST', `/api/channels/${channel}/webhooks`, body);
      expect(response.status, JSON.stringify(body).slice(0, 80)).toBe(status);
      expect(await response.json()).toMatchObject({ code });
    }
    expect((await call('bob', 'GET', '/api/channels/carol/webhooks')).status).toBe(403);
    const foreign = (await (await call('bob', 'GET', '/api/channels/bob/webhooks')).json()) as {
      items: { id: string }[];
    };
    expect((await call('carol', 'DELETE', `/api/channels/bob/webhooks/${foreign.items[0]?.id}`)).status).toBe(403);

    // Local targets: carol's broadcast is still on air, and its end (at shutdown) is delivered to these.
    const local = await receiver();
    // Twelve at once: the bound holds under concurrency (exactly ten made).
    const statuses = await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        const response = await call('carol', 'POST', '/api/channels/carol/webhooks', { url: `${local.url}&n=${i}` });
        return response.status;
      }),
    );
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 409)).toHaveLength(2);
    const eleventh = await call('carol', 'POST', '/api/channels/carol/webhooks', { url: 'https://example.com/11' });
    expect(eleventh.status).toBe(409);
    expect(await eleventh.json()).toMatchObject({ code: 'TOO_MANY_WEBHOOKS' });
    const list = (await (await call('carol', 'GET', '/api/channels/carol/webhooks')).json()) as { items: unknown[] };
    expect(list.items).toHaveLength(10);
  });

  it('lists a channel’s broadcasts, newest first, to anyone; an unknown channel is 404', async () => {
    const response = await call(null, 'GET', '/api/channels/bob/broadcasts');
    expect(response.status).toBe(200);
    const page = (await response.json()) as { items: { id: string }[]; nextCursor: string | null };
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({ peakViewers: 0, averageViewers: 0, title: '' });
    expect((await call(null, 'GET', '/api/channels/nobody_here/broadcasts')).status).toBe(404);
    expect((await call(null, 'GET', '/api/channels/bob/broadcasts?limit=500')).status).toBe(400);
  });
});

describe('webhook delivery without private targets (the default)', () => {
  let api: StartedPlatformApi;
  let target: Receiver;
  beforeAll(async () => {
    api = await startPlatformApi('sqlite', {
      platform: { webhooks: { backoffBaseMs: 10_000, pollIntervalMs: 60_000, retainDeliveriesMs: 60_000 } },
    });
    target = await startReceiver();
    await api.platform.signUp('frank', PASSWORD);
  });
  afterAll(async () => {
    await api?.stop();
    await target?.close();
  });

  it('refuses a name that resolves to loopback at connect time, and prunes settled deliveries past retention', async () => {
    const { platform } = api;
    const { db } = platform.database;
    const port = new URL(target.url).port;
    // As if the name had resolved to a public address when registered (DNS rebinding): stored without the check.
    await db
      .insertInto('webhooks')
      .values({
        id: '0000000000000000hk1',
        channel: 'frank',
        url: `http://localhost:${port}/`,
        secret: 's',
        created_at: 1,
      })
      .execute();
    const old = { webhook_id: '0000000000000000hk1', event_id: 'e', event_type: 'stream.online', payload: '{}' };
    await db
      .insertInto('webhook_deliveries')
      .values([
        { ...old, id: 'old-delivered', next_attempt_at: 1, delivered_at: 1, failed_at: null },
        { ...old, id: 'old-failed', next_attempt_at: 1, delivered_at: null, failed_at: 1 },
      ])
      .execute();
    platform.broadcasts.streamStarted('frank');
    const attempt = await until(
      async () => (await db.selectFrom('webhook_deliveries').selectAll().where('attempts', '>', 0).execute())[0],
      { what: 'the first attempt to be recorded' },
    );
    expect(attempt.last_error).toMatch(/private address/);
    expect(attempt.last_status).toBeNull();
    expect(target.received).toEqual([]);
    const ids = (await db.selectFrom('webhook_deliveries').select('id').execute()).map((r) => r.id);
    expect(ids).toEqual([attempt.id]);
    expect(api.logs.some((l) => l.includes('old webhook deliveries pruned'))).toBe(true);
  });

  it('refuses to register a loopback URL', async () => {
    await api.platform.signUp('gina', PASSWORD);
    const token = (await api.platform.accounts.logIn('gina', PASSWORD))?.token;
    const response = await fetch(api.url('/api/channels/gina/webhooks'), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: target.url }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'BAD_WEBHOOK_URL' });
  });
});
