import { startWebrtcTestServer, type WebrtcTestServer } from '@glint/testkit/media-server';
import { afterAll, beforeAll, expect, it } from 'vitest';

let t: WebrtcTestServer;

beforeAll(async () => {
  t = await startWebrtcTestServer(['alpha']);
});

afterAll(async () => {
  await t?.stop();
});

const patch = (path: string, body: string, type = 'application/json') =>
  fetch(t.url(path), { method: 'PATCH', body, headers: { 'Content-Type': type } });

it('lists no layers for an offline channel, 404 for a malformed one, never cached', async () => {
  const res = await fetch(t.url('/whep/alpha/layers'));
  expect(res.status).toBe(200);
  expect(res.headers.get('cache-control')).toBe('no-store');
  expect(res.headers.get('access-control-allow-origin')).toBe('*');
  expect(await res.json()).toEqual({ layers: [] });
  expect((await fetch(t.url('/whep/a.b/layers'))).status).toBe(404);
  const post = await fetch(t.url('/whep/alpha/layers'), { method: 'POST' });
  expect([post.status, post.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
});

it('PATCH on an unknown viewer is 404, trickle ICE stays 405, WHIP sessions take no PATCH', async () => {
  const unknown = await patch('/whep/session/nope', '{"layer":null}');
  expect(unknown.status).toBe(404);
  expect(await unknown.json()).toMatchObject({ code: 'NO_SUCH_SESSION' });
  const whip = await patch('/whip/session/nope', '{"layer":null}');
  expect(whip.status).toBe(404);
  const preflight = await fetch(t.url('/whep/session/x'), { method: 'OPTIONS' });
  expect(preflight.headers.get('access-control-allow-methods')).toBe('DELETE, PATCH, OPTIONS');
  const put = await fetch(t.url('/whep/session/x'), { method: 'PUT' });
  expect([put.status, put.headers.get('allow')]).toEqual([405, 'DELETE, PATCH, OPTIONS']);
});

it('rate-limits layer requests per address with 429 and Retry-After, apart from offers', async () => {
  let limited: Response | undefined;
  for (let i = 0; i < 40 && !limited; i++) {
    const res = await fetch(t.url('/whep/alpha/layers'));
    if (res.status === 429) limited = res;
    else await res.arrayBuffer();
  }
  expect(limited?.headers.get('retry-after')).toMatch(/^\d+$/);
  expect(await limited?.json()).toMatchObject({ code: 'RATE_LIMITED' });
  // The offers' bucket is untouched: a WHEP offer is still read (and refused for what it is, not for its rate).
  const offer = await fetch(t.url('/whep/alpha'), {
    method: 'POST',
    body: 'v=0',
    headers: { 'Content-Type': 'text/plain' },
  });
  expect(offer.status).toBe(415);
});
