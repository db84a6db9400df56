import { connect, type Socket } from 'node:net';
import { silentLogger } from '@glint/media-core';
import { Platform } from '@glint/platform';
import { until } from '@glint/testkit';
import { startGlint, type TestGlint } from '@glint/testkit/media-server';
import { afterEach, describe, expect, it } from 'vitest';
import type { Glint } from '../app.ts';
import { type Config, loadConfig } from '../config.ts';

let t: TestGlint | undefined;
let demoKey = '';
const sockets: Socket[] = [];

async function start(overrides: Partial<Config> = {}): Promise<Glint> {
  t = await startGlint(['demo', 'other'], { logLevel: 'silent', ...overrides });
  demoKey = t.keys.demo ?? '';
  return t.glint;
}

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await t?.stop();
  t = undefined;
});

const url = (path: string) => t?.http(path) ?? '';

function openSocket(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(t?.glint.httpPort ?? 0, '127.0.0.1', () => resolve(socket));
    socket.on('error', reject);
    sockets.push(socket);
  });
}

function closed(socket: Socket): Promise<number> {
  const startMs = Date.now();
  return new Promise((resolve) => {
    if (socket.destroyed) resolve(0);
    socket.once('close', () => resolve(Date.now() - startMs));
  });
}

function whip(channel: string, key: string): Promise<Response> {
  return fetch(url(`/whip/${channel}`), {
    method: 'POST',
    headers: { 'Content-Type': 'application/sdp', Authorization: `Bearer ${key}` },
    body: 'v=0\r\n',
  });
}

describe('HTTP limits and abuse surfaces', () => {
  it('cuts off a request whose body trickles in (1 byte per 200 ms) at the request timeout', async () => {
    await start({ httpRequestTimeoutMs: 1000 });
    const socket = await openSocket();
    socket.on('data', () => {});
    socket.write(
      `POST /whip/demo HTTP/1.1\r\nHost: x\r\nContent-Type: application/sdp\r\nAuthorization: Bearer ${demoKey}\r\nContent-Length: 1000\r\n\r\n`,
    );
    const trickle = setInterval(() => socket.writable && socket.write('v'), 200);
    const closedAfterMs = await closed(socket);
    clearInterval(trickle);
    // Deadline 1 s, checked every second by Node: closed well before the 145 s it used to take.
    expect(closedAfterMs).toBeLessThan(5000);
    expect((await fetch(url('/healthz'))).status).toBe(200);
  });

  it('caps open connections; others are served again once some close', async () => {
    await start({ httpMaxConnections: 4 });
    const held = await Promise.all([openSocket(), openSocket(), openSocket(), openSocket()]);
    const extra = await openSocket();
    await closed(extra);
    for (const socket of held) socket.destroy();
    await until(
      () =>
        fetch(url('/healthz')).then(
          (res) => res.status === 200,
          () => false,
        ),
      { what: 'a connection slot is free again' },
    );
  });

  it('serves /metrics to loopback only without a token, and only with the token when one is set', async () => {
    await start({ metricsToken: 'metrics-secret-token' });
    expect((await fetch(url('/metrics'))).status).toBe(401);
    const wrong = await fetch(url('/metrics'), { headers: { Authorization: 'Bearer wrong' } });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ code: 'METRICS_FORBIDDEN' });
    const ok = await fetch(url('/metrics'), { headers: { Authorization: 'Bearer metrics-secret-token' } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('glint_live_streams');
  });

  it('sends CSP, frame-ancestors and nosniff with HTML pages', async () => {
    await start();
    for (const path of ['/watch/demo', '/']) {
      const res = await fetch(url(path));
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("frame-ancestors 'none'");
      // No inline code at all: every script and style is a file from this origin.
      expect(csp).toContain("script-src 'self';");
      expect(csp).toContain("style-src 'self';");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      if (path === '/watch/demo') expect(await res.text()).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>|<style/);
    }
    expect((await fetch(url('/healthz'))).headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('throttles wrong stream keys per address (429 + Retry-After), for WHIP and RTMP alike', async () => {
    const app = await start();
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await whip('demo', `live_demo_guess_${i}_xxxxxxxx`)).status);
    expect(statuses.slice(0, 10)).toEqual(new Array(10).fill(401));
    const locked = await whip('demo', demoKey);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await locked.json()).toMatchObject({ code: 'TOO_MANY_ATTEMPTS' });
    // The same admission serves RTMP: its decision for this address is the same refusal.
    const rtmp = await app.admission.admit({ streamKey: demoKey, remoteAddress: '127.0.0.1' });
    expect(rtmp).toMatchObject({ ok: false, code: 'TOO_MANY_ATTEMPTS' });
    expect(await app.admission.admit({ streamKey: demoKey, remoteAddress: '10.1.2.3' })).toMatchObject({ ok: true });
  });

  it("a key for another channel gets 403 without naming the key's channel", async () => {
    await start();
    const res = await whip('other', demoKey);
    expect(res.status).toBe(403);
    const body = await res.json();
    expect(body).toMatchObject({ code: 'KEY_NOT_FOR_CHANNEL' });
    expect(JSON.stringify(body)).not.toContain('demo');
  });

  it('behind a trusted proxy, per-address API limits count the forwarded client, not the proxy', async () => {
    await start({ trustProxy: '127.0.0.1', apiRequestsPerMinutePerIp: 2 });
    const get = (client: string) => fetch(url('/api/channels/demo'), { headers: { 'x-forwarded-for': client } });
    for (let i = 0; i < 2; i++) expect((await get('198.51.100.1')).status).toBe(200);
    expect((await get('198.51.100.1')).status).toBe(429);
    expect((await get('198.51.100.2')).status).toBe(200);
  });

  it('without a trusted proxy, X-Forwarded-For is ignored: a client cannot pick a fresh address per request', async () => {
    await start({ apiRequestsPerMinutePerIp: 2 });
    const get = (client: string) => fetch(url('/api/channels/demo'), { headers: { 'x-forwarded-for': client } });
    expect((await get('198.51.100.1')).status).toBe(200);
    expect((await get('198.51.100.2')).status).toBe(200);
    expect((await get('198.51.100.3')).status).toBe(429);
  });

  it('refuses a weak chosen stream key at start-up with a sentence saying what to do', async () => {
    expect(() => loadConfig({ GLINT_DEMO_STREAM_KEY: 'abc' })).toThrow(/at least 16 characters/);
    const platform = await Platform.open({ databaseUrl: 'sqlite::memory:', logger: silentLogger, reconnectGraceMs: 0 });
    await expect(platform.seedChannel('weak', 'Weak', 'short')).rejects.toThrow(/at least 16/);
    await platform.close();
  });
});
