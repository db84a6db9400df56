/**
 * No secret is ever written to a log or returned by the API after the reply that created it. One whole run of the
 * server at trace level does everything that handles a secret: sign-up and log-in (password, session token), a key
 * shown once and used by RTMP and WHIP, wrong keys and wrong passwords, a rotated key, a webhook (its signing secret
 * used to sign a real delivery), log-out. Then every log line and every later API reply is searched for each secret.
 */
import { createServer, type Server } from 'node:http';
import { type StunResponder, startStunResponder, until } from '@glint/testkit';
import { clientPeer, completeOffer, startGlint, type TestGlint } from '@glint/testkit/media-server';
import { callApi } from '@glint/testkit/platform';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { publish } from '../../test/rtmp-server.ts';

let t: TestGlint;
let stun: StunResponder;
let receiver: Server;
const deliveries: string[] = [];
/** Every reply body the API gave after the secrets were created. */
const laterReplies: string[] = [];

beforeAll(async () => {
  stun = await startStunResponder();
  receiver = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    request.on('end', () => {
      deliveries.push(`${JSON.stringify(request.headers)}\n${body}`);
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  t = await startGlint(
    [],
    { logLevel: 'trace', reconnectGraceMs: 500 },
    { platform: { webhooks: { allowPrivateTargets: true, pollIntervalMs: 100 } } },
  );
}, 60_000);

afterAll(async () => {
  await t?.stop();
  await stun?.close();
  receiver?.close();
});

const call = (method: string, path: string, token?: string, json?: unknown) =>
  callApi(t.http(path), { method, ...(token ? { bearer: token } : {}), ...(json === undefined ? {} : { json }) });

it('writes no password, session token, stream key or webhook secret to the logs or to a later API reply', async () => {
  const password = 'correct-horse-battery-staple-7';
  const signup = await call('POST', '/api/auth/signup', undefined, { login: 'secretive', password });
  expect(signup.status).toBe(201);
  const firstToken = signup.body.token as string;
  await call('POST', '/api/auth/login', undefined, { login: 'secretive', password: 'wrong-password-123' });
  const login = await call('POST', '/api/auth/login', undefined, { login: 'secretive', password });
  const token = login.body.token as string;

  const firstKey = (await call('POST', '/api/channels/secretive/stream-key', token)).body.streamKey as string;
  const hook = await call('POST', '/api/channels/secretive/webhooks', token, {
    url: `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`,
  });
  expect(hook.status).toBe(201);
  const hookSecret = hook.body.secret as string;

  // RTMP with the key (live, then the webhook is delivered, signed with its secret), a wrong key, WHIP with the key.
  const encoder = publish(t.glint.rtmpPort, `live/${firstKey}`, 30, true);
  await until(() => t.glint.hub.isLive('secretive'), { what: 'the RTMP publish', timeoutMs: 20_000 });
  await until(() => deliveries.length > 0, { what: 'the go-live webhook', timeoutMs: 10_000 });
  const wrong = publish(t.glint.rtmpPort, `live/${firstKey}x`, 5, true);
  await wrong.exit;
  encoder.child.kill('SIGKILL');
  await until(() => !t.glint.hub.isLive('secretive'), { what: 'the stream to end' });
  const secondKey = (await call('POST', '/api/channels/secretive/stream-key', token)).body.streamKey as string;
  const pc = clientPeer({ stunUrl: stun.url });
  const { sdp } = await completeOffer(pc, { video: true, audio: true }, 'sendonly');
  const whip = await fetch(t.http('/whip/secretive'), {
    method: 'POST',
    body: sdp,
    headers: { 'content-type': 'application/sdp', authorization: `Bearer ${secondKey}` },
  });
  expect(whip.status).toBe(201);
  await pc.close();

  for (const [method, path] of [
    ['GET', '/api/me'],
    ['GET', '/api/channels/secretive'],
    ['GET', '/api/channels/secretive/stream-key'],
    ['GET', '/api/channels/secretive/webhooks'],
    ['GET', '/api/channels/secretive/broadcasts'],
    ['GET', '/api/me/notifications'],
    ['GET', '/api/channels?live=true'],
    ['GET', '/api/openapi.json'],
  ] as const) {
    laterReplies.push((await call(method, path, token)).text);
  }
  expect((await call('POST', '/api/auth/logout', token)).status).toBe(204);
  laterReplies.push((await call('GET', '/api/me', token)).text);

  const secrets = { password, firstToken, token, firstKey, secondKey, hookSecret };
  const logs = t.logs.join('\n');
  // The run logged the events that handle secrets (so there was something to leak from).
  for (const event of ['stream started', 'publish refused', 'rtmp publish accepted']) expect(logs).toContain(event);
  expect(deliveries[0]).toContain('v1=');
  for (const [name, secret] of Object.entries(secrets)) {
    expect(secret, name).toMatch(/.{16,}/);
    expect(logs.includes(secret), `${name} in the logs`).toBe(false);
    for (const reply of laterReplies) expect(reply.includes(secret), `${name} in a later API reply`).toBe(false);
    // Nor the webhook body (the secret signs it; it is not in it).
    for (const delivery of deliveries) expect(delivery.includes(secret), `${name} in a webhook delivery`).toBe(false);
  }
}, 90_000);
