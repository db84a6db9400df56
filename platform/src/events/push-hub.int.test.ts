import type { Platform } from '@glint/platform';
import { until } from '@glint/testkit';
import { type StartedPlatformApi, startPlatformApi, TEST_DIALECTS } from '@glint/testkit/platform';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';

interface Client {
  readonly socket: WebSocket;
  readonly messages: { type: string; [field: string]: unknown }[];
  readonly closed: Promise<{ code: number; reason: string }>;
}

const PASSWORD = 'correct horse battery';

describe.each(TEST_DIALECTS)('push channel on %s', (dialect) => {
  let api: StartedPlatformApi;
  let platform: Platform;
  const tokens: Record<string, string> = {};
  const open: WebSocket[] = [];
  const eventsUrl = () => api.url('/api/events').replace('http:', 'ws:');

  /** Opens /api/events; resolves when open, or rejects with the HTTP status of a refused upgrade. */
  const connect = (headers: Record<string, string>, options: { autoPong?: boolean } = {}) =>
    new Promise<Client>((resolve, reject) => {
      const socket = new WebSocket(eventsUrl(), { headers, ...options });
      open.push(socket);
      const messages: Client['messages'] = [];
      const closed = new Promise<{ code: number; reason: string }>((done) =>
        socket.on('close', (code, reason) => done({ code, reason: reason.toString() })),
      );
      socket.on('message', (data) => messages.push(JSON.parse(data.toString())));
      socket.on('open', () => resolve({ socket, messages, closed }));
      socket.on('unexpected-response', (_request, response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => {
          body += chunk.toString();
        });
        response.on('end', () => reject(Object.assign(new Error('refused'), { status: response.statusCode, body })));
      });
      socket.on('error', (error) => reject(error));
    });
  const as = (login: string) => ({ authorization: `Bearer ${tokens[login]}` });
  /** A round trip after which everything the server sent before has arrived (frames keep their order). */
  const drain = (client: Client) =>
    new Promise<void>((resolve) => {
      client.socket.once('pong', () => resolve());
      client.socket.ping();
    });

  beforeAll(async () => {
    api = await startPlatformApi(dialect, { platform: { reconnectGraceMs: 100, push: { maxSocketsPerUser: 3 } } });
    platform = api.platform;
    for (const login of ['alice', 'bob', 'dave']) {
      await platform.signUp(login, PASSWORD);
      tokens[login] = (await platform.accounts.logIn(login, PASSWORD))?.token ?? '';
    }
    const bob = await platform.accounts.userByLogin('bob');
    await platform.database.db
      .insertInto('follows')
      .values({ user_id: bob?.id ?? '', channel: 'alice', created_at: Date.now() })
      .execute();
  });
  afterEach(async () => {
    for (const socket of open.splice(0)) socket.terminate();
    await until(() => platform.push.size === 0, { what: 'the hub to see every socket closed' });
  });
  afterAll(async () => {
    await api?.stop();
  });

  it('a follower receives the notification and the go-live and offline events live; others receive nothing', async () => {
    const bob = await connect(as('bob'));
    const dave = await connect(as('dave'));
    platform.broadcasts.streamStarted('alice');
    await until(() => bob.messages.length >= 2, { what: 'bob’s notification and go-live event' });
    const broadcastId = platform.broadcasts.onAir('alice')?.broadcastId;
    const notification = bob.messages.find((m) => m.type === 'notification');
    expect(notification).toMatchObject({ notification: { channel: 'alice', broadcastId, kind: 'live', readAt: null } });
    expect(bob.messages.find((m) => m.type === 'stream.online')).toMatchObject({ channel: 'alice', broadcastId });

    const stored = await fetch(api.url('/api/me/notifications'), { headers: as('bob') });
    const { items } = (await stored.json()) as { items: { id: string }[] };
    expect(items.map((n) => n.id)).toEqual([(notification?.notification as { id: string } | undefined)?.id]);

    platform.broadcasts.streamEnded('alice');
    await until(() => bob.messages.some((m) => m.type === 'stream.offline'), { what: 'the offline event' });
    expect(bob.messages.find((m) => m.type === 'stream.offline')).toMatchObject({ channel: 'alice', broadcastId });
    await platform.push.settled();
    await drain(dave);
    expect(dave.messages).toEqual([]);
  });

  it('an anonymous or unknown-token upgrade is refused with 401 and a code', async () => {
    for (const headers of [{}, { authorization: 'Bearer not-a-session' }]) {
      const refusal = await connect(headers).catch((e: { status: number; body: string }) => e);
      expect(refusal).toMatchObject({ status: 401 });
      expect(JSON.parse((refusal as { body: string }).body)).toMatchObject({ code: 'UNAUTHENTICATED' });
    }
  });

  it('the session cookie works from the site’s own pages, and is refused from another site (403)', async () => {
    const host = new URL(api.url('/')).host;
    const cookie = `glint_session=${tokens.bob}`;
    const own = await connect({ cookie, origin: `http://${host}` });
    expect(own.socket.readyState).toBe(WebSocket.OPEN);
    const foreign = await connect({ cookie, origin: 'https://evil.example' }).catch((e: { status: number }) => e);
    expect(foreign).toMatchObject({ status: 403 });
  });

  it('one socket over the per-user bound is refused with 429; a closed one makes room', async () => {
    const sockets = [await connect(as('dave')), await connect(as('dave')), await connect(as('dave'))];
    const refusal = await connect(as('dave')).catch((e: { status: number; body: string }) => e);
    expect(refusal).toMatchObject({ status: 429 });
    expect(JSON.parse((refusal as { body: string }).body)).toMatchObject({ code: 'TOO_MANY_SOCKETS' });
    // Others are still served.
    expect((await connect(as('bob'))).socket.readyState).toBe(WebSocket.OPEN);
    sockets[0]?.socket.close();
    await until(() => platform.push.size === 3, { what: 'the hub to see the socket closed' });
    expect((await connect(as('dave'))).socket.readyState).toBe(WebSocket.OPEN);
  });

  it('a client that sends is closed: a message over 4096 bytes (1009), a flood of small ones (1008)', async () => {
    const big = await connect(as('bob'));
    big.socket.send('x'.repeat(5000));
    expect((await big.closed).code).toBe(1009);
    const chatty = await connect(as('bob'));
    for (let i = 0; i < 25; i++) chatty.socket.send('hi');
    expect(await chatty.closed).toMatchObject({ code: 1008 });
    expect((await connect(as('bob'))).socket.readyState).toBe(WebSocket.OPEN);
  });
});

describe('push channel keep-alive', () => {
  let api: StartedPlatformApi;
  let token: string;
  beforeAll(async () => {
    api = await startPlatformApi('sqlite', { platform: { push: { pingIntervalMs: 50 } } });
    await api.platform.signUp('erin', PASSWORD);
    token = (await api.platform.accounts.logIn('erin', PASSWORD))?.token ?? '';
  });
  afterAll(async () => {
    await api?.stop();
  });

  it('pings every interval; a peer that answers stays, one that does not is dropped', async () => {
    const url = api.url('/api/events').replace('http:', 'ws:');
    const headers = { authorization: `Bearer ${token}` };
    const live = new WebSocket(url, { headers });
    const dead = new WebSocket(url, { headers, autoPong: false });
    let pings = 0;
    live.on('ping', () => pings++);
    const deadClosed = new Promise<number>((resolve) => dead.on('close', (code) => resolve(code)));
    await until(() => pings >= 4, { what: 'four pings' });
    expect(await deadClosed).toBe(1006);
    expect(live.readyState).toBe(WebSocket.OPEN);
    expect(api.platform.push.size).toBe(1);
    live.terminate();
  });

  it('closes a socket (4001) once its session is logged out; other sessions of the user stay', async () => {
    const url = api.url('/api/events').replace('http:', 'ws:');
    const other = (await api.platform.accounts.logIn('erin', PASSWORD))?.token ?? '';
    const leaving = new WebSocket(url, { headers: { authorization: `Bearer ${other}` } });
    const staying = new WebSocket(url, { headers: { authorization: `Bearer ${token}` } });
    await Promise.all([leaving, staying].map((s) => new Promise((resolve) => s.once('open', resolve))));
    const closed = new Promise<number>((resolve) => leaving.on('close', (code) => resolve(code)));
    await api.platform.accounts.logOut(other);
    expect(await closed).toBe(4001);
    await until(() => api.platform.push.size === 1, { what: 'the hub to drop the logged-out socket' });
    expect(staying.readyState).toBe(WebSocket.OPEN);
    staying.terminate();
  });
});
