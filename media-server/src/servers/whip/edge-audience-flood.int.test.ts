/**
 * The origin's edge viewer counts (PUT /whep/session/:id/audience) under attack, over real sockets on 127.0.0.1.
 * An anonymous flood (no token, wrong tokens, guessed session ids, malformed, hostile and oversized bodies) is refused
 * 403 before its body is read (414 for an id too long to route), /healthz keeps answering, and the channel's
 * audience does not move. With the edge token, hundreds of reports for one real WHEP session replace each other: the
 * count is the last report, one session is held; a count above the route's maximum is refused 400 and a body over
 * the route's limit 413, and neither changes anything.
 * (sfu-cascade.test.ts checks each refusal once with a browser; this one is about volume.)
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { type StunResponder, startStunResponder, until } from '@glint/testkit';
import { clientPeer, completeOffer, fakeH264Packet, startGlint, type TestGlint } from '@glint/testkit/media-server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RTCPeerConnection, RTCRtpTransceiver } from 'werift';
import { percentile, startProbe } from '../../../test/health-probe.ts';
import { postSdp } from '../../../test/sdp-client.ts';
import { MAX_VIEWERS_PER_REPORT } from '../../audience/edge-audience.ts';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const EDGE_TOKEN = 'edge-token-for-the-flood-test-0123456789';
const CHANNEL = 'aud';
const FLOOD_REQUESTS = 2000;
const CONCURRENCY = 50;
const REPORTS = 500;
/** Well over the route's body limit (1 KiB) and the server's (64 KiB). */
const OVERSIZED_BYTES = 2 * 1024 * 1024;

let t: TestGlint;
let stun: StunResponder;
let media: ReturnType<typeof setInterval> | undefined;
/** The real WHEP session a well-behaved edge would report for: `/whep/session/<id>/audience`. */
let audiencePath: string;
const peers: RTCPeerConnection[] = [];
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

beforeAll(async () => {
  stun = await startStunResponder();
  t = await startGlint([CHANNEL], { logLevel: 'silent', edgeToken: EDGE_TOKEN });
  const publisher = await connectedPeer(`/whip/${CHANNEL}`, 'sendonly', { Authorization: `Bearer ${t.keys[CHANNEL]}` });
  const video = publisher.transceivers[0] as RTCRtpTransceiver;
  let frame = 0;
  media = setInterval(() => void video.sender.sendRtp(fakeH264Packet(frame++)), 33);
  let received = 0;
  const viewer = await connectedPeer(`/whep/${CHANNEL}`, 'recvonly', {}, () => received++);
  audiencePath = `${new URL(viewer.location, t.http('')).pathname}/audience`;
  await until(() => received > 10, { what: 'media at the WHEP viewer', timeoutMs: 20_000 });
  await until(async () => ((await apiViewers()) === 1 ? true : undefined), {
    what: 'the API to count the one WHEP viewer',
    timeoutMs: 10_000,
  });
});

afterAll(async () => {
  clearInterval(media);
  agent.destroy();
  for (const pc of peers) await pc.close();
  await t?.stop();
  await stun?.close();
});

async function connectedPeer(
  path: string,
  direction: 'sendonly' | 'recvonly',
  headers: Record<string, string>,
  onPacket: () => void = () => {},
): Promise<{ transceivers: RTCRtpTransceiver[]; location: string }> {
  const pc = clientPeer({ stunUrl: stun.url });
  peers.push(pc);
  pc.onTrack.subscribe((track) => track.onReceiveRtp.subscribe(onPacket));
  const { sdp, transceivers } = await completeOffer(pc, { video: true }, direction);
  const res = await postSdp(t.http(path), sdp, { headers });
  expect(res.status, res.body).toBe(201);
  await pc.setRemoteDescription({ type: 'answer', sdp: res.body });
  await until(() => pc.connectionState === 'connected', { what: `${path} to connect`, timeoutMs: 20_000 });
  return { transceivers, location: String(res.headers.location) };
}

/** The channel's viewers as the public API says (the origin's #audience total), null when not live. */
async function apiViewers(): Promise<number | null> {
  const res = await fetch(t.http(`/api/channels/${CHANNEL}`));
  const body = (await res.json()) as { live: { viewers: number } | null };
  return body.live?.viewers ?? null;
}

/** Edge sessions the origin holds a fresh report for, per channel. */
const heldReports = () => Object.fromEntries(t.glint.edgeAudience.edges(Date.now()));

interface Put {
  readonly path: string;
  readonly body?: string;
  readonly headers?: Record<string, string>;
}

/** One PUT on a pooled keep-alive connection: its status (or the socket error's code) and how long it took. */
function put({ path, body = '', headers = {} }: Put): Promise<{ status: number | string; ms: number }> {
  const startMs = performance.now();
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port: t.glint.httpPort, path, method: 'PUT', agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - startMs }));
    });
    req.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ status: error.code ?? 'error', ms: performance.now() - startMs }),
    );
    req.end(body);
  });
}

/**
 * An attacker's oversized body on a connection of its own: 64 KiB chunks until the server answers (it must not wait
 * for the whole body), then the connection is dropped. `declared`: with a Content-Length, else chunked.
 */
function putOversized(
  path: string,
  declared: boolean,
  headers: Record<string, string> = {},
): Promise<{ status: number | string; ms: number }> {
  const startMs = performance.now();
  return new Promise((resolve) => {
    let written = 0;
    let answered = false;
    const req = request(
      {
        host: '127.0.0.1',
        port: t.glint.httpPort,
        path,
        method: 'PUT',
        agent: false,
        headers: {
          'Content-Type': 'application/json',
          ...headers,
          ...(declared ? { 'Content-Length': String(OVERSIZED_BYTES) } : {}),
        },
      },
      (res) => {
        answered = true;
        res.resume();
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, ms: performance.now() - startMs });
          req.destroy();
        });
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (!answered) resolve({ status: error.code ?? 'error', ms: performance.now() - startMs });
    });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    chunk[0] = 0x7b; // '{'
    const writeMore = () => {
      while (!answered && written < OVERSIZED_BYTES) {
        written += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', writeMore);
      }
      if (!answered && written >= OVERSIZED_BYTES) req.end();
    };
    writeMore();
  });
}

/** Runs `count` tasks, at most `concurrency` at a time, in index order. */
async function pool<T>(count: number, concurrency: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < count; i = next++) results[i] = await task(i);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}

const json = { 'Content-Type': 'application/json' };
const bearer = (token: string) => ({ ...json, Authorization: `Bearer ${token}` });
const randomPath = () => `/whep/session/${randomUUID()}/audience`;
const countBody = (viewers: number) => JSON.stringify({ viewers });

interface Attack {
  readonly name: string;
  /** What the origin answers: 403 before the body is read, the router's 414, or 404 (token, no such session). */
  readonly expected: number;
  readonly send: () => Promise<{ status: number | string; ms: number }>;
}

/** Every anonymous way in we could think of; the flood cycles through them. */
function attacks(): Attack[] {
  const wrongSameLength = `${EDGE_TOKEN.slice(0, -1)}${EDGE_TOKEN.endsWith('x') ? 'y' : 'x'}`;
  const deepJson = `${'['.repeat(30_000)}${']'.repeat(30_000)}`;
  return [
    {
      name: 'no token, real session',
      expected: 403,
      send: () => put({ path: audiencePath, body: countBody(999_999), headers: json }),
    },
    {
      name: 'no token, guessed session',
      expected: 403,
      send: () => put({ path: randomPath(), body: countBody(5), headers: json }),
    },
    {
      name: 'wrong token, same length',
      expected: 403,
      send: () => put({ path: audiencePath, body: countBody(1000), headers: bearer(wrongSameLength) }),
    },
    {
      name: 'wrong token, random',
      expected: 403,
      send: () =>
        put({ path: audiencePath, body: countBody(1000), headers: bearer(randomBytes(24).toString('base64url')) }),
    },
    {
      name: 'token prefix',
      expected: 403,
      send: () => put({ path: audiencePath, body: countBody(7), headers: bearer(EDGE_TOKEN.slice(0, -1)) }),
    },
    {
      name: 'token with a suffix',
      expected: 403,
      send: () => put({ path: audiencePath, body: countBody(7), headers: bearer(`${EDGE_TOKEN}0`) }),
    },
    {
      name: 'token, wrong scheme',
      expected: 403,
      send: () =>
        put({ path: audiencePath, body: countBody(7), headers: { ...json, Authorization: `Basic ${EDGE_TOKEN}` } }),
    },
    {
      name: 'token with a space inside',
      expected: 403,
      send: () =>
        put({
          path: audiencePath,
          body: countBody(7),
          headers: { ...json, Authorization: `Bearer ${EDGE_TOKEN.slice(0, 5)} ${EDGE_TOKEN.slice(5)}` },
        }),
    },
    {
      name: 'out-of-range count, wrong token',
      expected: 403,
      send: () => put({ path: audiencePath, body: countBody(1e12), headers: bearer(wrongSameLength) }),
    },
    {
      name: 'text/plain body, no token',
      expected: 403,
      send: () => put({ path: audiencePath, body: '{"viewers":50}', headers: { 'Content-Type': 'text/plain' } }),
    },
    { name: 'no body, no token', expected: 403, send: () => put({ path: audiencePath }) },
    {
      name: '60 KB deep nesting, no token',
      expected: 403,
      send: () => put({ path: audiencePath, body: deepJson, headers: json }),
    },
    {
      name: 'malformed JSON, no token',
      expected: 403,
      send: () => put({ path: audiencePath, body: '{"viewers":', headers: json }),
    },
    { name: 'empty JSON body, no token', expected: 403, send: () => put({ path: audiencePath, headers: json }) },
    {
      name: '__proto__ key, no token',
      expected: 403,
      send: () => put({ path: audiencePath, body: '{"__proto__":{"viewers":9},"viewers":9}', headers: json }),
    },
    {
      name: 'unknown media type, no token',
      expected: 403,
      send: () =>
        put({ path: audiencePath, body: '<viewers>9</viewers>', headers: { 'Content-Type': 'application/xml' } }),
    },
    // Not a session at all: the router refuses an id longer than a route parameter may be (Fastify's maxParamLength).
    {
      name: '4 KB session id, no token',
      expected: 414,
      send: () => put({ path: `/whep/session/${'a'.repeat(4096)}/audience`, body: countBody(5), headers: json }),
    },
    // The token, but a guessed session: nothing to count.
    {
      name: 'right token, guessed session',
      expected: 404,
      send: () => put({ path: randomPath(), body: countBody(77), headers: bearer(EDGE_TOKEN) }),
    },
  ];
}

describe('edge viewer counts at the origin, under a flood', () => {
  it('refuses an anonymous flood quickly, keeps /healthz answering, and leaves the audience alone', async () => {
    const kinds = attacks();
    const before = await apiViewers();
    expect(before).toBe(1);
    expect(heldReports()).toEqual({});
    const probe = await startProbe({ url: t.http('/healthz') });
    await until(() => probe.latenciesMs.length >= 5, { what: 'a few /healthz samples before the flood' });
    const samplesBefore = probe.latenciesMs.length;

    const startMs = performance.now();
    // Every 100th request is a 2 MiB body (declared, then chunked) on its own connection; the rest cycle.
    const results = await pool(FLOOD_REQUESTS, CONCURRENCY, async (i) => {
      if (i % 100 === 99) {
        const declared = i % 200 === 99;
        return {
          name: `2 MiB body (${declared ? 'declared' : 'chunked'}), no token`,
          expected: 403,
          ...(await putOversized(audiencePath, declared)),
        };
      }
      const kind = kinds[i % kinds.length] as Attack;
      return { name: kind.name, expected: kind.expected, ...(await kind.send()) };
    });
    const floodMs = performance.now() - startMs;
    const viewersRightAfter = await apiViewers();
    await until(() => probe.latenciesMs.length >= samplesBefore + 3, { what: '/healthz samples after the flood' });
    await probe.stop();

    const byKind = new Map<string, Map<number | string, number>>();
    for (const r of results) {
      const statuses = byKind.get(r.name) ?? new Map<number | string, number>();
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      byKind.set(r.name, statuses);
    }
    const latencies = results.map((r) => r.ms);
    const health = probe.latenciesMs.slice(samplesBefore);
    console.log(
      `[edge audience flood] ${FLOOD_REQUESTS} PUTs, ${CONCURRENCY} at a time, in ${floodMs.toFixed(0)} ms ` +
        `(${((FLOOD_REQUESTS / floodMs) * 1000).toFixed(0)}/s): latency p50 ${percentile(latencies, 50).toFixed(1)} ms, ` +
        `p95 ${percentile(latencies, 95).toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms; ` +
        `/healthz during and after: ${health.length} answers, p50 ${percentile(health, 50).toFixed(1)} ms, max ${Math.max(...health).toFixed(1)} ms\n` +
        [...byKind].map(([name, statuses]) => `  ${name}: ${JSON.stringify(Object.fromEntries(statuses))}`).join('\n'),
    );

    // Each case gets exactly the answer the server gives it, every time: no 2xx, no 5xx, no dropped connection.
    // Malformed and oversized bodies get the token's 403, not a parser's 400/413: no anonymous body is parsed.
    for (const r of results) expect(r.status, r.name).toBe(r.expected);
    expect(byKind.size).toBe(kinds.length + 2);
    // Responsive throughout: /healthz answered during the flood, and answers after it.
    expect(health.length).toBeGreaterThan(0);
    expect(Math.max(...health)).toBeLessThan(5000);
    expect((await fetch(t.http('/healthz'))).status).toBe(200);
    // Quick refusals (loose: a busy 2-core machine runs this; the figures above are the measure).
    expect(percentile(latencies, 95)).toBeLessThan(2000);
    // The audience did not move, and not one report was kept.
    expect(viewersRightAfter).toBe(1);
    expect(await apiViewers()).toBe(1);
    expect(heldReports()).toEqual({});
    expect(t.glint.sfu.subscriberCount(CHANNEL)).toBe(1);
  });

  it("replaces one session's count with each report, and refuses a count out of range without changing it", async () => {
    const headers = bearer(EDGE_TOKEN);
    // Deterministic, spread over the whole range.
    const values = Array.from({ length: REPORTS - 1 }, (_, i) => (i * 7919 * 104_729) % (MAX_VIEWERS_PER_REPORT + 1));
    const startMs = performance.now();
    const storm = await pool(values.length, 25, (i) =>
      put({ path: audiencePath, body: countBody(values[i] as number), headers }),
    );
    const stormMs = performance.now() - startMs;
    expect(storm.filter((r) => r.status !== 204)).toEqual([]);
    // Whichever the server took last: one of them, never their sum.
    const afterStorm = await apiViewers();
    expect(values).toContain(afterStorm);
    expect(heldReports()).toEqual({ [CHANNEL]: 1 });

    const last = 4242;
    expect((await put({ path: audiencePath, body: countBody(last), headers })).status).toBe(204);
    expect(await apiViewers()).toBe(last);
    console.log(
      `[edge audience reports] ${REPORTS} reports for one session in ${stormMs.toFixed(0)} ms; count after the ` +
        `storm ${afterStorm}, after the last report ${last}; sessions held ${JSON.stringify(heldReports())}`,
    );

    // Out of range: refused, and the count stays the last one taken.
    for (const body of [
      countBody(MAX_VIEWERS_PER_REPORT + 1),
      countBody(Number.MAX_SAFE_INTEGER + 2),
      '{"viewers":1e400}',
    ]) {
      expect((await put({ path: audiencePath, body, headers })).status, body).toBe(400);
      expect(await apiViewers()).toBe(last);
    }
    // Over the route's body limit, even with the token: refused unparsed.
    const deep = `${'['.repeat(1000)}${']'.repeat(1000)}`;
    for (const body of [deep, `{"viewers":1${'0'.repeat(60_000)}}`]) {
      expect((await put({ path: audiencePath, body, headers })).status, body.slice(0, 20)).toBe(413);
    }
    for (const declared of [true, false]) {
      expect((await putOversized(audiencePath, declared, headers)).status, `declared ${declared}`).toBe(413);
    }
    expect(await apiViewers()).toBe(last);
    // The maximum itself is a count the origin takes; then back to a small one.
    expect((await put({ path: audiencePath, body: countBody(MAX_VIEWERS_PER_REPORT), headers })).status).toBe(204);
    expect(await apiViewers()).toBe(MAX_VIEWERS_PER_REPORT);
    expect((await put({ path: audiencePath, body: countBody(3), headers })).status).toBe(204);
    expect(await apiViewers()).toBe(3);
    expect(heldReports()).toEqual({ [CHANNEL]: 1 });
  });
});
