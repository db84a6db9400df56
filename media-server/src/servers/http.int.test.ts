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

  it('serves the watch page (the web app) with hls.js in low-latency mode as a chunk of its own', async () => {
    const HLS_CHUNK = /^hls-[\w-]{8}\.js$/;
    const res = await fetch(url('/watch/demo'));
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain('<div id="root">');
    const script = /<script type="module"[^>]* src="(\/assets\/[\w.-]+\.js)">/.exec(html)?.[1] ?? 'no script';
    // The app's chunks, from its entry: each page is a chunk of its own, loaded with its path.
    const chunks = new Map<string, string>();
    const queue = [script.slice('/assets/'.length)];
    while (queue.length > 0 && chunks.size < 50) {
      const name = queue.shift() ?? '';
      // hls.js itself (hls-<hash>.js) is checked below: it is not read for chunk names.
      if (chunks.has(name) || HLS_CHUNK.test(name)) continue;
      const response = await fetch(url(`/assets/${name}`));
      // A "./x.js" in a string of hls.js' or React's code is no chunk: the server has no such file.
      if (response.status === 404) continue;
      const text = await response.text();
      chunks.set(name, text);
      // Vite names a chunk "assets/<name>.js" in the entry's preload map and "./<name>.js" in an import.
      for (const m of text.matchAll(/(?:assets\/|\.\/)([\w-]+\.js)/g)) if (m[1] && !chunks.has(m[1])) queue.push(m[1]);
    }
    const all = [...chunks.values()].join('\n');
    expect(all).toContain('lowLatencyMode:!0');
    expect([...chunks.keys()].some((n) => n.startsWith('watch-page-'))).toBe(true);
    // hls.js is imported when a player starts, not carried by every page.
    expect(chunks.get(script.slice('/assets/'.length))).not.toContain('lowLatencyMode');
    const chunk = /(?:\.\/|assets\/)(hls-[\w-]{8}\.js)/.exec(all)?.[1] ?? 'no hls.js chunk';
    const hls = await fetch(url(`/assets/${chunk}`));
    expect(hls.status).toBe(200);
    expect((await hls.text()).length).toBeGreaterThan(100_000);
    // Test pages without a bundler still load hls.js from here.
    const js = await fetch(url('/vendor/hls.min.js'));
    expect(js.status).toBe(200);
    expect((await js.text()).length).toBeGreaterThan(100_000);
    // A name no channel can have: the app (its page says there is no such channel) with status 404.
    const odd = await fetch(url('/watch/%3Cscript%3E'));
    expect(odd.status).toBe(404);
    expect(await odd.text()).toBe(html);
  });
});
