/**
 * The shipped edge configs in front of a whole Glint (ffmpeg publishing over RTMP), read with hls-parser: media is
 * cached (a part is a HIT the second time, byte for byte the origin's), a crowd's blocking reload reaches the origin
 * once whatever other arguments its viewers add, everything else passes through, and an edge whose origin is gone
 * answers 503 quickly. Varnish must release a crowd together; nginx's spread (its lock polls every 500 ms) is printed.
 */
import { type Publisher, publish, until } from '@glint/testkit';
import { startGlint, type TestGlint } from '@glint/testkit/media-server';
import * as HLS from 'hls-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EdgeCache } from './edge-cache.ts';
import { startNginxEdge } from './nginx-edge.ts';
import { startVarnishEdge } from './varnish-edge.ts';

const CHANNEL = 'cam';
const CROWD = 200;
let t: TestGlint;
let publisher: Publisher;
let varnish: EdgeCache;
let nginx: EdgeCache;

beforeAll(async () => {
  t = await startGlint([CHANNEL]);
  publisher = publish(t.rtmp(CHANNEL), { size: '320x180' });
  await until(async () => (await fetch(t.http(`/live/${CHANNEL}/video/index.m3u8`))).status === 200 || undefined, {
    what: 'the channel live at the origin',
    timeoutMs: 30_000,
    intervalMs: 200,
    detail: () => publisher.stderr(),
  });
  [varnish, nginx] = await Promise.all([
    startVarnishEdge({ origin: t.http('') }),
    startNginxEdge({ origin: t.http('') }),
  ]);
}, 90_000);

afterAll(async () => {
  publisher?.kill('SIGKILL');
  await Promise.all([varnish?.stop(), nginx?.stop()]);
  await t?.stop();
});

async function mediaPlaylist(edge: EdgeCache): Promise<HLS.types.MediaPlaylist> {
  const res = await fetch(edge.url(`/live/${CHANNEL}/video/index.m3u8`));
  expect(res.status).toBe(200);
  return HLS.parse(await res.text()) as HLS.types.MediaPlaylist;
}

/** The first part of the segment after the one being made: a reload for it waits ~1 s at the origin. */
function nextSegmentStart(playlist: HLS.types.MediaPlaylist): { msn: number; part: number } {
  const last = playlist.segments.at(-1);
  if (!last) throw new Error('the playlist has no segment yet');
  const current = last.uri ? last.mediaSequenceNumber + 1 : last.mediaSequenceNumber;
  return { msn: current + 1, part: 0 };
}

interface CrowdResult {
  readonly statuses: number[];
  readonly bodies: Set<string>;
  /** First answer to last answer, ms. */
  readonly spreadMs: number;
  readonly originRequests: number;
}

/** `CROWD` viewers ask the edge for the same blocking reload at once, each with an argument of its own. */
async function crowd(edge: EdgeCache): Promise<CrowdResult & { target: { msn: number; part: number } }> {
  const target = nextSegmentStart(await mediaPlaylist(edge));
  const before = await edge.originRequests();
  const answeredAt: number[] = [];
  const results = await Promise.all(
    Array.from({ length: CROWD }, async (_, i) => {
      const path = `/live/${CHANNEL}/video/index.m3u8?viewer=${i}&_HLS_part=${target.part}&_HLS_msn=${target.msn}`;
      const res = await fetch(edge.url(path));
      const body = await res.text();
      answeredAt.push(performance.now());
      return { status: res.status, body };
    }),
  );
  // The cache counts the origin request once it is complete; give its log or counters a moment.
  const originRequests = await until(
    async () => {
      const n = (await edge.originRequests()) - before;
      return n > 0 && n;
    },
    { what: `${edge.kind} counting its origin request`, timeoutMs: 5000, intervalMs: 100 },
  );
  return {
    target,
    statuses: [...new Set(results.map((r) => r.status))],
    bodies: new Set(results.map((r) => r.body)),
    spreadMs: Math.max(...answeredAt) - Math.min(...answeredAt),
    originRequests,
  };
}

describe.each([
  ['Varnish', () => varnish],
  ['nginx', () => nginx],
])('%s as the edge', (name, edge) => {
  it('serves the playlists (hls-parser reads them) and caches a part: a HIT the second time, the same bytes', async () => {
    const multivariant = HLS.parse(await (await fetch(edge().url(`/live/${CHANNEL}/index.m3u8`))).text());
    expect(multivariant.isMasterPlaylist).toBe(true);
    const playlist = await mediaPlaylist(edge());
    const part = playlist.segments.flatMap((s) => s.parts).at(-1);
    expect(part).toBeDefined();
    const path = `/live/${CHANNEL}/video/${part?.uri}`;
    const first = await fetch(edge().url(path));
    const second = await fetch(edge().url(path));
    const direct = Buffer.from(await (await fetch(t.http(path))).arrayBuffer());
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(second.headers.get('x-cache')).toBe('HIT');
    expect(Buffer.from(await first.arrayBuffer()).equals(direct)).toBe(true);
    expect(Buffer.from(await second.arrayBuffer()).equals(direct)).toBe(true);
  });

  it(`sends a crowd's blocking reload to the origin once, and answers all ${CROWD} with the playlist asked for`, async () => {
    const result = await crowd(edge());
    console.log(
      `[edge ${name}] ${CROWD} viewers, one blocking reload: ${result.originRequests} origin request(s); ` +
        `answers spread over ${result.spreadMs.toFixed(0)} ms`,
    );
    expect(result.statuses).toEqual([200]);
    expect(result.bodies.size).toBe(1);
    expect(result.originRequests).toBe(1);
    const answered = HLS.parse([...result.bodies][0] ?? '') as HLS.types.MediaPlaylist;
    const held = answered.segments.find((s) => s.mediaSequenceNumber === result.target.msn);
    expect(held?.parts.length).toBeGreaterThan(result.target.part);
    // Varnish wakes its waiting list when the answer arrives; nginx's waiters poll every 500 ms.
    if (name === 'Varnish') expect(result.spreadMs).toBeLessThan(300);
  });

  it('passes the API through uncached', async () => {
    const res = await fetch(edge().url(`/api/channels/${CHANNEL}`));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { name?: string }).name).toBe(CHANNEL);
    expect(res.headers.get('x-cache') ?? 'PASS').not.toBe('HIT');
  });
});

describe('bad input and a missing origin', () => {
  it('Varnish answers 503 within seconds when its origin is gone, and starts nothing when the origin is not a URL', async () => {
    const orphan = await startVarnishEdge({ origin: 'http://127.0.0.1:9' });
    try {
      const started = performance.now();
      const res = await fetch(orphan.url(`/live/${CHANNEL}/index.m3u8`));
      expect(res.status).toBe(503);
      expect(performance.now() - started).toBeLessThan(5000);
    } finally {
      await orphan.stop();
    }
    await expect(startVarnishEdge({ origin: 'not a url' })).rejects.toThrow(/--origin must be a URL/);
    await expect(startVarnishEdge({ origin: 'https://example.invalid/x' })).rejects.toThrow(/plain http/);
  });
});
