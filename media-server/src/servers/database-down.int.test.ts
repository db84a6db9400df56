/**
 * The channel database goes away while a channel is live (PostgreSQL reached through a TCP relay this test cuts):
 * the live stream goes on untouched (LL-HLS parts keep coming), a new publish is refused with a clear error (WHIP:
 * 503 KEY_CHECK_UNAVAILABLE with Retry-After; RTMP: the encoder is refused), the API answers 503, and once the
 * database is back, publishing works again without a restart.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { type StunResponder, startStunResponder, until } from '@glint/testkit';
import { clientPeer, completeOffer, startGlint, type TestGlint } from '@glint/testkit/media-server';
import { createTestDatabase, type TestDatabase } from '@glint/testkit/platform';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { publish } from '../../test/rtmp-server.ts';

/** A TCP relay to PostgreSQL that can be cut (every connection dropped, new ones refused) and restored. */
async function startRelay(
  target: URL,
): Promise<{ port: number; cut(): void; restore(): void; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let up = true;
  const server: Server = createServer((client) => {
    if (!up) return client.destroy();
    const upstream = connect(Number(target.port || 5432), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    cut: () => {
      up = false;
      for (const s of sockets) s.destroy();
    },
    restore: () => {
      up = true;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

let db: TestDatabase;
let relay: Awaited<ReturnType<typeof startRelay>>;
let t: TestGlint;
let stun: StunResponder;
const encoders: ReturnType<typeof publish>[] = [];

beforeAll(async () => {
  db = await createTestDatabase('postgres');
  const url = new URL(db.url);
  relay = await startRelay(new URL(db.url));
  url.port = String(relay.port);
  stun = await startStunResponder();
  t = await startGlint(['onair', 'waiting'], {}, { databaseUrl: url.toString() });
}, 60_000);

afterAll(async () => {
  for (const encoder of encoders) encoder.child.kill('SIGKILL');
  await t?.stop();
  await relay?.close();
  await stun?.close();
  await db?.drop();
});

async function lastPart(): Promise<number> {
  const res = await fetch(t.http('/live/onair/video/index.m3u8'));
  if (res.status !== 200) return -1;
  const parts = [...(await res.text()).matchAll(/p([0-9]+)\.m4s/g)].map((m) => Number(m[1]));
  return parts.length ? Math.max(...parts) : -1;
}

async function whipOffer(key: string): Promise<Response> {
  const pc = clientPeer({ stunUrl: stun.url });
  const { sdp } = await completeOffer(pc, { video: true, audio: true }, 'sendonly');
  const res = await fetch(t.http('/whip/waiting'), {
    method: 'POST',
    body: sdp,
    headers: { 'content-type': 'application/sdp', authorization: `Bearer ${key}` },
  });
  await pc.close();
  return res;
}

it('keeps the live stream, refuses new publishes clearly while the database is down, and recovers', async () => {
  const live = publish(t.glint.rtmpPort, `live/${t.keys.onair}`, 60, true);
  encoders.push(live);
  await until(async () => (await lastPart()) >= 3, { what: 'the live channel making parts', timeoutMs: 20_000 });

  relay.cut();
  const cutAt = await lastPart();
  const whip = await whipOffer(t.keys.waiting ?? '');
  expect(whip.status).toBe(503);
  expect(whip.headers.get('retry-after')).toBe('5');
  expect(await whip.json()).toMatchObject({ code: 'KEY_CHECK_UNAVAILABLE' });

  const refused = publish(t.glint.rtmpPort, `live/${t.keys.waiting}`, 5, true);
  encoders.push(refused);
  expect((await refused.exit).code).not.toBe(0);
  expect(t.glint.hub.isLive('waiting')).toBe(false);

  const api = await fetch(t.http('/api/channels/onair'));
  expect(api.status).toBe(503);
  expect(await api.json()).toMatchObject({ code: 'DATABASE_UNAVAILABLE' });

  // The live channel never asked the database: its parts went on throughout.
  await until(async () => (await lastPart()) >= cutAt + 10, {
    what: 'parts to keep coming while the database is down',
  });
  expect(t.glint.hub.isLive('onair')).toBe(true);

  relay.restore();
  await until(async () => (await fetch(t.http('/api/channels/onair'))).status === 200, {
    what: 'the API to answer again',
  });
  const back = publish(t.glint.rtmpPort, `live/${t.keys.waiting}`, 60, true);
  encoders.push(back);
  await until(() => t.glint.hub.isLive('waiting'), { what: 'a publish after the database is back', timeoutMs: 20_000 });
  const logs = t.logs.join('\n');
  expect(logs).toContain('stream key check failed');
}, 90_000);
