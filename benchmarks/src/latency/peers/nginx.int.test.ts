import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { until } from '@glint/testkit';
import { startGlint, type TestGlint } from '@glint/testkit/media-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EdgeCache, ensureNginx, type NginxRtmpHls, startEdgeCache, startNginxRtmpHls } from './nginx.ts';
import type { PeerProcess } from './peer-process.ts';
import { publishTestStream } from './test-publisher.ts';

/** The next part a blocking reload can wait for: the in-progress segment's msn and its count of listed parts. */
function nextPart(playlist: string): { msn: number; part: number } {
  const lines = playlist.split('\n');
  const sequence = Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(playlist)?.[1] ?? Number.NaN);
  const lastInf = lines.findLastIndex((line) => line.startsWith('#EXTINF'));
  const segments = lines.filter((line) => line.startsWith('#EXTINF')).length;
  const part = lines.slice(lastInf + 1).filter((line) => line.startsWith('#EXT-X-PART:')).length;
  return { msn: sequence + segments, part };
}

describe('nginx-rtmp HLS peer', () => {
  let nginx: NginxRtmpHls;
  let publisher: PeerProcess;

  beforeAll(async () => {
    ensureNginx(); // apt-get once on a fresh machine, outside the test's own budget
    nginx = await startNginxRtmpHls();
    publisher = publishTestStream(nginx.rtmpUrl('s'));
  }, 120_000);

  afterAll(async () => {
    await publisher?.stop();
    await nginx?.stop();
  });

  it('turns RTMP into a playable HLS playlist of ~1 s segments with CORS and no caching', async () => {
    const playlist = await until(
      async () => {
        const res = await fetch(nginx.hlsUrl('s')).catch(() => undefined);
        const text = res?.ok ? await res.text() : '';
        return (text.match(/#EXTINF/g)?.length ?? 0) >= 3 ? { res: res!, text } : undefined;
      },
      { what: 'three HLS segments from nginx-rtmp', timeoutMs: 15_000, detail: () => publisher.output() },
    );
    expect(playlist.res.headers.get('access-control-allow-origin')).toBe('*');
    expect(playlist.res.headers.get('cache-control')).toBe('no-cache');
    const durations = [...playlist.text.matchAll(/#EXTINF:([\d.]+)/g)].map((m) => Number(m[1]));
    for (const d of durations.slice(0, -1)) expect(Math.abs(d - 1)).toBeLessThan(0.2);
    const probe = execFileSync(
      'ffprobe',
      ['-v', 'error', '-show_entries', 'stream=codec_name', '-of', 'csv=p=0', nginx.hlsUrl('s')],
      {
        encoding: 'utf8',
        timeout: 15_000,
      },
    );
    expect(probe).toContain('h264');
    expect(probe).toContain('aac');
  }, 30_000);

  it('removes its temp dir on stop', async () => {
    const other = await startNginxRtmpHls();
    expect(existsSync(other.hlsDir.replace(/\/hls$/, ''))).toBe(true);
    await other.stop();
    expect(existsSync(other.hlsDir.replace(/\/hls$/, ''))).toBe(false);
  });
});

describe('nginx edge cache before Glint LL-HLS', () => {
  let glint: TestGlint;
  let edge: EdgeCache;
  let publisher: PeerProcess;
  let media = '';

  beforeAll(async () => {
    ensureNginx();
    glint = await startGlint(['demo'], { logLevel: 'silent' });
    publisher = publishTestStream(glint.rtmp('demo'));
    edge = await startEdgeCache(glint.http(''));
    const multivariant = await until(
      async () => {
        const res = await fetch(edge.url('/live/demo/index.m3u8')).catch(() => undefined);
        return res?.ok ? res.text() : undefined;
      },
      { what: 'the multivariant playlist through the edge', timeoutMs: 15_000, detail: () => publisher.output() },
    );
    media = `/live/demo/${multivariant.split('\n').find((line) => line.endsWith('.m3u8') && !line.startsWith('#'))}`;
  }, 120_000);

  afterAll(async () => {
    await publisher?.stop();
    await edge?.stop();
    await glint?.stop();
  });

  it('answers a blocking reload as the origin does, once per key: one MISS, then HITs for identical requests', async () => {
    const live = await (await fetch(glint.http(media))).text();
    const { msn, part } = nextPart(live);
    const path = `${media}?_HLS_msn=${msn}&_HLS_part=${part}`;
    // Both wait for the same future part, so both are answered from the same change.
    const [direct, ...viaEdge] = await Promise.all([
      fetch(glint.http(path)),
      ...Array.from({ length: 4 }, (_, i) => fetch(edge.url(`${path}&viewer=v${i}`))),
    ]);
    const body = await direct!.text();
    const statuses: string[] = [];
    for (const res of viaEdge) {
      expect(await res.text()).toBe(body);
      statuses.push(res.headers.get('x-cache-status') ?? 'none');
    }
    expect(statuses.filter((s) => s === 'MISS')).toHaveLength(1);
    expect(statuses.filter((s) => s === 'HIT')).toHaveLength(3);
    const again = await fetch(edge.url(path));
    expect(again.headers.get('x-cache-status')).toBe('HIT');
    expect(await again.text()).toBe(body);
  }, 20_000);

  it('serves a part with the same bytes as the origin, then from its cache', async () => {
    const live = await (await fetch(glint.http(media))).text();
    const uri = [...live.matchAll(/#EXT-X-PART:[^\n]*URI="([^"]+)"/g)].at(-1)?.[1];
    expect(uri).toBeDefined();
    const partPath = `${media.replace(/index\.m3u8$/, '')}${uri}`;
    const origin = Buffer.from(await (await fetch(glint.http(partPath))).arrayBuffer());
    const first = await fetch(edge.url(partPath));
    expect(first.headers.get('x-cache-status')).toBe('MISS');
    expect(Buffer.from(await first.arrayBuffer()).equals(origin)).toBe(true);
    const second = await fetch(edge.url(partPath));
    expect(second.headers.get('x-cache-status')).toBe('HIT');
    expect(Buffer.from(await second.arrayBuffer()).equals(origin)).toBe(true);
  });

  it('passes a live (non-blocking) playlist through uncached, as the origin asks', async () => {
    const res = await fetch(edge.url(media));
    expect(res.ok).toBe(true);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(['MISS', 'EXPIRED', 'BYPASS']).toContain(res.headers.get('x-cache-status'));
    expect((await fetch(edge.url(media))).headers.get('x-cache-status')).not.toBe('HIT');
  });
});
