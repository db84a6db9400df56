import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { launchChromium, startBlankOrigin, until } from '@glint/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FfmpegHls, startFfmpegHls } from './ffmpeg-hls.ts';
import type { PeerProcess } from './peer-process.ts';
import { publishTestStream } from './test-publisher.ts';

// Asynchronously: the HLS files are served from this very process.
const run = promisify(execFile);
const HLS_JS = createRequire(import.meta.url).resolve('hls.js/dist/hls.min.js');

describe('ffmpeg HLS muxer peer', () => {
  let peer: FfmpegHls;
  let publisher: PeerProcess;
  let playlist = '';

  beforeAll(async () => {
    peer = await startFfmpegHls();
    publisher = publishTestStream(peer.rtmpUrl);
    playlist = await until(
      async () => {
        const res = await fetch(peer.hlsUrl).catch(() => undefined);
        const text = res?.ok ? await res.text() : '';
        return (text.match(/#EXTINF/g)?.length ?? 0) >= 3 ? text : undefined;
      },
      { what: 'three segments from ffmpeg', timeoutMs: 15_000, detail: () => `${peer.output()} ${publisher.output()}` },
    );
  }, 30_000);

  afterAll(async () => {
    await publisher?.stop();
    await peer?.stop();
  });

  it('writes 1 s fMP4 segments that ffprobe reads, with CORS', async () => {
    expect(playlist).toContain('#EXT-X-MAP:URI="init.mp4"');
    expect(playlist).toContain('#EXT-X-INDEPENDENT-SEGMENTS');
    const durations = [...playlist.matchAll(/#EXTINF:([\d.]+)/g)].map((m) => Number(m[1]));
    for (const d of durations) expect(Math.abs(d - 1)).toBeLessThan(0.1);
    const res = await fetch(peer.hlsUrl);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect((await fetch(peer.hlsUrl.replace('index.m3u8', '..%2Fetc'))).status).toBe(404);
    const { stdout: probe } = await run(
      'ffprobe',
      ['-v', 'error', '-show_entries', 'stream=codec_name', '-of', 'csv=p=0', peer.hlsUrl],
      {
        encoding: 'utf8',
        timeout: 15_000,
      },
    );
    expect(probe).toContain('h264');
    expect(probe).toContain('aac');
  });

  it('plays in hls.js (Chromium)', async () => {
    const browser = await launchChromium();
    const origin = await startBlankOrigin();
    try {
      const page = await browser.newPage();
      await page.goto(origin.url);
      await page.addScriptTag({ path: HLS_JS });
      await page.evaluate((url) => {
        const w = window as unknown as {
          Hls: new (config: object) => { loadSource(u: string): void; attachMedia(v: HTMLVideoElement): void };
        };
        const hls = new w.Hls({ liveSyncDurationCount: 2 });
        hls.loadSource(url);
        hls.attachMedia(document.querySelector('video') as HTMLVideoElement);
      }, peer.hlsUrl);
      await page.waitForFunction(() => (document.querySelector('video')?.currentTime ?? 0) > 1, undefined, {
        timeout: 15_000,
      });
    } finally {
      await browser.close();
      await origin.close();
    }
  }, 30_000);

  it('ends when its publisher leaves, and stop() is still clean', async () => {
    let exited = false;
    void peer.exited.then(() => {
      exited = true;
    });
    await publisher.stop();
    await until(() => exited, { what: 'ffmpeg to finish after its publisher left', timeoutMs: 4000 });
    await peer.stop();
    expect((await fetch(peer.hlsUrl).catch(() => undefined))?.ok ?? false).toBe(false);
  });
});
