/**
 * GET /api/channels/<channel>/health on a whole Glint over real HTTP and RTMP (ffmpeg publishing 30 fps with a
 * keyframe each second): the broadcaster sees the live ingest's numbers; anonymous callers, other users, bad names,
 * unknown and offline channels are refused with a code; an address over its allowance gets 429 while others are
 * still served; the meter is forgotten when the stream ends.
 */
import { until } from '@glint/testkit';
import { startGlint, type TestGlint } from '@glint/testkit/media-server';
import { callApi } from '@glint/testkit/platform';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publish } from '../../../test/rtmp-server.ts';
import { streamHealthRoutes } from './stream-health-route.ts';

let t: TestGlint;
let owner: string;
let other: string;

const health = (channel: string, token?: string) =>
  callApi(t.http(`/api/channels/${channel}/health`), token === undefined ? {} : { bearer: token });

async function signUp(login: string): Promise<string> {
  const res = await callApi(t.http('/api/auth/signup'), { json: { login, password: `${login}-password-1` } });
  expect(res.status).toBe(201);
  return res.body.token as string;
}

beforeAll(async () => {
  t = await startGlint([], { reconnectGraceMs: 1000 });
  owner = await signUp('healthy');
  other = await signUp('nosy');
}, 30_000);

afterAll(async () => {
  await t?.stop();
});

describe('stream health', () => {
  it('refuses anonymous callers, others, bad names and unknown channels, and says when the channel is offline', async () => {
    const anonymous = await health('healthy');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.code).toBe('UNAUTHENTICATED');
    const forged = await callApi(t.http('/api/channels/healthy/health'), { cookie: 'glint_session=not-a-session' });
    expect(forged.status).toBe(401);
    const nosy = await health('healthy', other);
    expect(nosy.status).toBe(403);
    expect(nosy.body).toMatchObject({
      code: 'FORBIDDEN',
      message: 'only the broadcaster of healthy may see its stream health',
    });
    for (const bad of ['AB', 'Healthy', 'a-b-c', 'x'.repeat(26), '%3Cscript%3E']) {
      const answer = await health(bad, owner);
      expect(answer.status, bad).toBe(400);
      expect(answer.body.code).toBe('BAD_CHANNEL');
    }
    const unknown = await health('nobody_here', owner);
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('NO_SUCH_CHANNEL');
    const offline = await health('healthy', owner);
    expect(offline.status).toBe(404);
    expect(offline.body).toMatchObject({
      code: 'NOT_LIVE',
      message: 'healthy is not live: nothing is publishing to it now',
    });
  });

  it('shows the broadcaster the live ingest: bitrate, 30 fps, a 1 s keyframe interval, no dropped frames', async () => {
    const key = await callApi(t.http('/api/channels/healthy/stream-key'), { method: 'POST', bearer: owner });
    expect(key.status).toBe(201);
    const encoder = publish(t.glint.rtmpPort, `live/${key.body.streamKey}`, 30, true);
    try {
      // Five whole seconds measured: the rates are over the full window.
      // Polled as a dashboard does (the address has 120 a minute).
      let last = '';
      const live = await until(
        async () => {
          const answer = await health('healthy', owner);
          last = answer.text;
          return answer.status === 200 && answer.body.measuredSec >= 5 ? answer : undefined;
        },
        { what: 'five seconds of health measured', timeoutMs: 20_000, intervalMs: 1000, detail: () => last },
      );
      const h = live.body;
      expect(live.headers.get('cache-control')).toBe('no-store');
      expect(h.source).toBe('rtmp');
      expect(h.video).toEqual({ codec: expect.stringMatching(/^avc1\.[0-9a-f]{6}$/), width: 320, height: 240 });
      expect(h.audio).toMatchObject({ codec: 'mp4a.40.2' });
      expect(h.keyframeIntervalSec).toBe(1);
      expect(h.nominalFps).toBe(30);
      expect(h.droppedFrames).toBe(0);
      // The machine paces ffmpeg (-re): within a tenth of the rate, and some bitrate of each kind.
      expect(h.fps).toBeGreaterThan(27);
      expect(h.fps).toBeLessThan(33);
      expect(h.videoKbps).toBeGreaterThan(0);
      expect(h.audioKbps).toBeGreaterThan(0);
      expect(Math.abs(h.bitrateKbps - h.videoKbps - h.audioKbps)).toBeLessThanOrEqual(1); // each rounded
      console.log(`health of a 320x240 30 fps test stream: ${JSON.stringify(h)}`);
    } finally {
      encoder.child.kill('SIGKILL');
      await encoder.exit;
    }
    await until(async () => (await health('healthy', owner)).status === 404, {
      what: 'offline after the encoder ends',
      intervalMs: 250,
    });
    expect(t.glint.hub.isLive('healthy')).toBe(false);
  }, 40_000);

  it('limits each address per minute, and still serves another address', async () => {
    const app = Fastify();
    await app.register(streamHealthRoutes, { hub: t.glint.hub, platform: t.glint.platform, perMinutePerAddress: 3 });
    const ask = (remoteAddress: string) =>
      app.inject({ url: '/api/channels/healthy/health', remoteAddress, headers: { authorization: `Bearer ${owner}` } });
    for (let i = 0; i < 3; i++) expect((await ask('10.0.0.1')).statusCode).toBe(404);
    const limited = await ask('10.0.0.1');
    expect(limited.statusCode).toBe(429);
    expect(limited.json().code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await ask('10.0.0.2')).statusCode).toBe(404);
    await app.close();
  });
});
