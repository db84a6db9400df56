/**
 * Ingest on the channel platform, through the whole server over real HTTP and RTMP, once on SQLite (a temp file) and
 * once on PostgreSQL: a streamer signs up, takes a key (shown once), and goes live from an encoder (ffmpeg); a follower
 * gets exactly one notification per broadcast however often the encoder reconnects within the grace period; revoking
 * or rotating the key ends the live stream (RTMP and WHIP) and the old key starts nothing.
 */
import { type StunResponder, startStunResponder, until } from '@glint/testkit';
import { clientPeer, completeOffer, startGlint, type TestGlint } from '@glint/testkit/media-server';
import { callApi, createTestDatabase, TEST_DIALECTS, type TestDatabase } from '@glint/testkit/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publish } from '../../test/rtmp-server.ts';

const GRACE_MS = 6000;

describe.each(TEST_DIALECTS)('ingest on the platform (%s)', (dialect) => {
  let db: TestDatabase;
  let t: TestGlint;
  let stun: StunResponder;
  let streamer: string;
  let fan: string;
  const encoders: ReturnType<typeof publish>[] = [];

  const api = (method: string, path: string, token?: string, json?: unknown) =>
    callApi(t.http(path), { method, ...(token ? { bearer: token } : {}), ...(json === undefined ? {} : { json }) });

  async function signUp(login: string): Promise<string> {
    const res = await api('POST', '/api/auth/signup', undefined, { login, password: `${login}-password-1` });
    expect(res.status).toBe(201);
    return res.body.token as string;
  }

  async function newKey(): Promise<string> {
    const res = await api('POST', '/api/channels/streamer/stream-key', streamer);
    expect(res.status).toBe(201);
    return res.body.streamKey as string;
  }

  function goLive(key: string) {
    const encoder = publish(t.glint.rtmpPort, `live/${key}`, 60, true);
    encoders.push(encoder);
    return encoder;
  }

  const isLive = () => t.glint.hub.isLive('streamer');
  const notifications = async () => (await api('GET', '/api/me/notifications', fan)).body.items as unknown[];
  const liveBroadcast = async () => (await api('GET', '/api/channels/streamer')).body.live as null | object;

  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    stun = await startStunResponder();
    t = await startGlint([], { reconnectGraceMs: GRACE_MS }, { databaseUrl: db.url });
    streamer = await signUp('streamer');
    fan = await signUp('fan');
    expect((await api('PUT', '/api/channels/streamer/follow', fan)).status).toBe(204);
  }, 60_000);

  afterAll(async () => {
    for (const encoder of encoders) encoder.child.kill('SIGKILL');
    await t?.stop();
    await stun?.close();
    await db?.drop();
  });

  it('notifies a follower once per broadcast: a reconnect within the grace period is the same broadcast', async () => {
    const key = await newKey();
    const first = goLive(key);
    await until(isLive, { what: 'the first encoder live', timeoutMs: 20_000 });
    await until(async () => (await notifications()).length === 1, { what: 'the go-live notification' });

    first.child.kill('SIGKILL');
    await until(() => !isLive(), { what: 'the stream to end' });
    goLive(key);
    await until(isLive, { what: 'the encoder back within the grace period', timeoutMs: 20_000 });
    await t.glint.platform.notifications.settled();
    expect(await notifications()).toHaveLength(1);
    expect(await liveBroadcast()).not.toBeNull();

    encoders.at(-1)?.child.kill('SIGKILL');
    await until(async () => (await liveBroadcast()) === null, {
      what: 'the broadcast to end after the grace',
      timeoutMs: GRACE_MS + 10_000,
    });
    goLive(key);
    await until(async () => (await notifications()).length === 2, { what: 'a second notification', timeoutMs: 20_000 });
    const broadcasts = (await api('GET', '/api/channels/streamer/broadcasts')).body.items as {
      endedAt: number | null;
    }[];
    expect(broadcasts).toHaveLength(2);
    expect(broadcasts.filter((b) => b.endedAt === null)).toHaveLength(1);
  }, 90_000);

  it('revoking the key ends the live RTMP stream, and the revoked key starts nothing', async () => {
    await until(isLive, { what: 'the stream of the previous test', timeoutMs: 20_000 });
    const live = encoders.at(-1);
    const key = (live?.child.spawnargs.at(-1) ?? '').split('/').at(-1) ?? '';
    expect((await api('DELETE', '/api/channels/streamer/stream-key', streamer)).status).toBe(204);
    await until(() => !isLive(), { what: 'the stream to end on revocation', timeoutMs: 5000 });
    const exit = await live?.exit;
    expect(exit?.code).not.toBe(0);

    const again = goLive(key);
    const refused = await again.exit;
    expect(refused.code).not.toBe(0);
    expect(isLive()).toBe(false);
    const refusals = t.logs.filter((line) => line.includes('publish refused') && line.includes('BAD_STREAM_KEY'));
    expect(refusals.length).toBeGreaterThan(0);
  }, 60_000);

  it('rotating the key ends a WHIP publish made with the old one; the new key publishes', async () => {
    const oldKey = await newKey();
    const pc = clientPeer({ stunUrl: stun.url });
    const { sdp } = await completeOffer(pc, { video: true, audio: true }, 'sendonly');
    const res = await fetch(t.http('/whip/streamer'), {
      method: 'POST',
      body: sdp,
      headers: { 'content-type': 'application/sdp', authorization: `Bearer ${oldKey}` },
    });
    expect(res.status).toBe(201);
    const session = () => t.glint.webrtc.whipSessions.all().filter((s) => s.channelId === 'streamer');
    expect(session()).toHaveLength(1);
    const newer = await newKey();
    await until(() => session().length === 0, { what: 'the WHIP session to end on rotation', timeoutMs: 5000 });
    const stale = await fetch(t.http('/whip/streamer'), {
      method: 'POST',
      body: sdp,
      headers: { 'content-type': 'application/sdp', authorization: `Bearer ${oldKey}` },
    });
    expect(stale.status).toBe(401);
    await pc.close();
    const fresh = clientPeer({ stunUrl: stun.url });
    const offer = await completeOffer(fresh, { video: true, audio: true }, 'sendonly');
    const ok = await fetch(t.http('/whip/streamer'), {
      method: 'POST',
      body: offer.sdp,
      headers: { 'content-type': 'application/sdp', authorization: `Bearer ${newer}` },
    });
    expect(ok.status).toBe(201);
    await fresh.close();
  }, 60_000);
});
