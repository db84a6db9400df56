import { type StunResponder, startStunResponder, udpSocketCount } from '@glint/testkit';
import { clientPeer, completeOffer, startWebrtcTestServer, type WebrtcTestServer } from '@glint/testkit/media-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let t: WebrtcTestServer;
let stun: StunResponder;
let h264Offer: string;
let vp8Offer: string;

async function makeOffer(video: 'h264' | 'vp8', direction: 'sendonly' | 'recvonly'): Promise<string> {
  const pc = clientPeer({ stunUrl: stun.url, video });
  const { sdp } = await completeOffer(pc, { video: true, audio: true }, direction);
  await pc.close();
  return sdp;
}

function post(path: string, body: string, headers: Record<string, string>): Promise<Response> {
  return fetch(t.url(path), { method: 'POST', body, headers });
}

function whip(channel: string, body: string, key: string | undefined, type = 'application/sdp') {
  return post(`/whip/${channel}`, body, {
    'Content-Type': type,
    ...(key !== undefined ? { Authorization: `Bearer ${key}` } : {}),
  });
}

beforeAll(async () => {
  stun = await startStunResponder();
  t = await startWebrtcTestServer(['alpha', 'beta']);
  h264Offer = await makeOffer('h264', 'sendonly');
  vp8Offer = await makeOffer('vp8', 'sendonly');
});

afterAll(async () => {
  await t?.stop();
  await stun?.close();
});

/** Each refusal leaves nothing behind: no session, no source, no new UDP socket. */
async function expectNothingAllocated(before: number): Promise<void> {
  expect(t.routes.whipSessions.size).toBe(0);
  expect(t.sfu.hasSource('alpha')).toBe(false);
  expect(udpSocketCount()).toBeLessThanOrEqual(before);
}

describe('WHIP refusals', () => {
  it('401 with WWW-Authenticate when the bearer is missing or wrong, nothing allocated', async () => {
    const before = udpSocketCount();
    const missing = await whip('alpha', h264Offer, undefined);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await missing.json()).toMatchObject({ code: 'MISSING_STREAM_KEY' });
    const wrong = await whip('alpha', h264Offer, 'live_alpha_nottherightkey');
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toContain('invalid_token');
    expect(await wrong.json()).toMatchObject({ code: 'BAD_STREAM_KEY' });
    const basic = await post('/whip/alpha', h264Offer, {
      'Content-Type': 'application/sdp',
      Authorization: `Basic ${Buffer.from('u:p').toString('base64')}`,
    });
    expect(basic.status).toBe(401);
    await expectNothingAllocated(before);
  });

  it('403 when the key belongs to another channel', async () => {
    const res = await whip('alpha', h264Offer, t.keys.beta);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: 'KEY_NOT_FOR_CHANNEL' });
  });

  it('415 for a body that is not application/sdp', async () => {
    const before = udpSocketCount();
    const res = await whip('alpha', JSON.stringify({ sdp: h264Offer }), t.keys.alpha, 'application/json');
    expect(res.status).toBe(415);
    expect((await res.json()).message).toContain('application/sdp');
    const none = await fetch(t.url('/whip/alpha'), {
      method: 'POST',
      headers: { Authorization: `Bearer ${t.keys.alpha}` },
    });
    expect(none.status).toBe(415);
    await expectNothingAllocated(before);
  });

  it('413 for an offer over 64 KiB', async () => {
    const res = await whip('alpha', `${h264Offer}${'a=x-pad:1\r\n'.repeat(7000)}`, t.keys.alpha);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: 'OFFER_TOO_LARGE' });
  });

  it('400 with a reason for garbage, empty and truncated SDP', async () => {
    const before = udpSocketCount();
    for (const body of ['hello world', '   ', 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\n']) {
      const res = await whip('alpha', body, t.keys.alpha);
      expect(res.status, body).toBe(400);
      const json = await res.json();
      expect(json.code).toMatch(/MALFORMED_SDP|EMPTY_OFFER/);
      expect(json.message.length).toBeGreaterThan(10);
    }
    await expectNothingAllocated(before);
  });

  it('406 naming the codec for an offer with only VP8 video', async () => {
    const before = udpSocketCount();
    const res = await whip('alpha', vp8Offer, t.keys.alpha);
    expect(res.status).toBe(406);
    const json = await res.json();
    expect(json.code).toBe('UNSUPPORTED_CODEC');
    expect(json.message).toContain('VP8');
    expect(json.message).toContain('H.264');
    await expectNothingAllocated(before);
  });

  it('404 for DELETE of an unknown session, 405 with Allow for PATCH and other methods', async () => {
    const del = await fetch(t.url('/whip/session/nope'), { method: 'DELETE' });
    expect(del.status).toBe(404);
    expect(await del.json()).toMatchObject({ code: 'NO_SUCH_SESSION' });
    const whepDel = await fetch(t.url('/whep/session/nope'), { method: 'DELETE' });
    expect(whepDel.status).toBe(404);
    for (const method of ['GET', 'PUT', 'DELETE', 'PATCH']) {
      const res = await fetch(t.url('/whip/alpha'), { method });
      expect(res.status, method).toBe(405);
      expect(res.headers.get('allow')).toBe('POST, OPTIONS');
    }
  });

  it('answers CORS preflights for browser publishers', async () => {
    const res = await fetch(t.url('/whip/alpha'), {
      method: 'OPTIONS',
      headers: { Origin: 'https://studio.example', 'Access-Control-Request-Method': 'POST' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    expect(res.headers.get('access-control-allow-headers')).toMatch(/Authorization.*Content-Type/);
    expect(res.headers.get('access-control-expose-headers')).toMatch(/Location.*ETag/);
    const session = await fetch(t.url('/whip/session/x'), { method: 'OPTIONS' });
    expect(session.headers.get('access-control-allow-methods')).toContain('DELETE');
  });
});

describe('WHEP refusals', () => {
  it('404 with a reason when the channel has no source', async () => {
    const offer = await makeOffer('h264', 'recvonly');
    const res = await post('/whep/alpha', offer, { 'Content-Type': 'application/sdp' });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: 'CHANNEL_NOT_LIVE' });
    const bad = await post('/whep/..%2Fx', offer, { 'Content-Type': 'application/sdp' });
    expect(bad.status).toBe(404);
    const type = await post('/whep/alpha', offer, { 'Content-Type': 'text/plain' });
    expect(type.status).toBe(415);
  });
});
