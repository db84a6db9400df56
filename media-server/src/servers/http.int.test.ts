import { startGlint, type TestGlint } from '@glint/testkit/media-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let t: TestGlint;
const url = (path: string) => t.http(path);

beforeAll(async () => {
  t = await startGlint(['demo'], { logLevel: 'silent' });
});

afterAll(async () => {
  await t.stop();
});

describe('HTTP face', () => {
  it('reports health as JSON', async () => {
    const res = await fetch(url('/healthz'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: 'ok',
      liveStreams: 0,
      blockedPlaylistRequests: 0,
      archive: { status: 'ok', skippedSegments: 0, failedWrites: 0, lastError: null },
    });
  });

  it('serves Prometheus metrics with the stream, ingest, part, blocking and HTTP series', async () => {
    await fetch(url('/healthz'));
    const text = await (await fetch(url('/metrics'))).text();
    for (const name of [
      'glint_live_streams 0',
      'glint_blocked_playlist_requests 0',
      '# TYPE glint_ingest_bytes_total counter',
      '# TYPE glint_llhls_parts_total counter',
      'glint_rtmp_refused_connections_total{reason="over_per_address"} 0',
      'glint_http_request_duration_seconds_bucket{le="0.005",route="/healthz",status="200"}',
    ]) {
      expect(text).toContain(name);
    }
  });

  it('answers a channel that is not live with 404 and a reason, CORS open', async () => {
    const res = await fetch(url('/live/demo/index.m3u8'));
    expect(res.status).toBe(404);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(await res.json()).toMatchObject({ code: 'CHANNEL_NOT_LIVE' });
    expect((await fetch(url('/live/..%2F..%2Fetc/index.m3u8'))).status).toBe(404);
  });

  it('serves the watch page with hls.js in low-latency mode', async () => {
    const res = await fetch(url('/watch/demo'));
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain('/vendor/hls.min.js');
    expect(html).toContain('/live/demo/index.m3u8');
    const script = /<script type="module" src="(\/player\/watch-[\w-]+\.js)">/.exec(html)?.[1] ?? 'no script';
    expect(await (await fetch(url(script))).text()).toContain('lowLatencyMode: true');
    const js = await fetch(url('/vendor/hls.min.js'));
    expect(js.status).toBe(200);
    expect((await js.text()).length).toBeGreaterThan(100_000);
    expect((await fetch(url('/watch/<script>'))).status).toBe(404);
  });

  it('refuses player file names it did not build (unknown, traversal, encoded) with 404 and a code, and still serves its own', async () => {
    for (const path of ['/player/nope.js', '/player/..%2F..%2Fpackage.json', '/player/%00']) {
      const res = await fetch(url(path));
      expect(res.status, path).toBe(404);
      expect(await res.json(), path).toMatchObject({ code: expect.stringMatching(/^[A-Z_]+$/) });
    }
    expect((await fetch(url(`/player/${'a'.repeat(4000)}`))).status).toBe(414); // over Fastify's parameter limit
    const html = await (await fetch(url('/watch/demo'))).text();
    const style = /<link rel="stylesheet" href="(\/player\/watch-[\w-]+\.css)"/.exec(html)?.[1] ?? 'no style';
    const css = await fetch(url(style));
    expect(css.status).toBe(200);
    expect(css.headers.get('cache-control')).toContain('immutable');
  });
});
