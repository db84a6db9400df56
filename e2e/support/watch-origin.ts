/**
 * The watch page as the media server builds it, served on 127.0.0.1 beside an HLS folder, for player tests that need
 * no Glint: `/watch` is the page (its HLS source `/hls/index.m3u8`, or `/hls/<name>.m3u8` for `?playlist=<name>.m3u8`),
 * `/player/*` its built assets, `/vendor/hls.min.js` hls.js, `/hls/*` the folder's playlists and segments.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';
import { buildWatchPage } from '@glint/player/build';

export interface WatchOrigin {
  /** The watch page's URL. */
  readonly watchUrl: string;
  close(): Promise<void>;
}

const HLS_TYPES: Readonly<Record<string, string>> = {
  '.m3u8': 'application/vnd.apple.mpegurl',
  '.ts': 'video/mp2t',
  '.mp4': 'video/mp4',
  '.m4s': 'video/iso.segment',
};

export async function startWatchOrigin(folder: string, channel = 'ladder'): Promise<WatchOrigin> {
  const page = await buildWatchPage('/player/');
  const html = (playlist: string) => page.render({ channel, hlsSrc: `/hls/${playlist}`, whepUrl: `/whep/${channel}` });
  const hlsJs = await readFile(createRequire(import.meta.url).resolve('hls.js/dist/hls.min.js'));
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    if (path === '/watch') {
      const playlist = url.searchParams.get('playlist') ?? 'index.m3u8';
      if (!/^[\w-]+\.m3u8$/.test(playlist)) {
        res.writeHead(400, { 'Content-Type': 'text/plain' }).end('playlist must be a file name ending in .m3u8\n');
        return;
      }
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(html(playlist));
      return;
    }
    if (path === '/vendor/hls.min.js') {
      res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(hlsJs);
      return;
    }
    const asset = path.startsWith('/player/') ? page.assets.get(path.slice('/player/'.length)) : undefined;
    if (asset) {
      res.writeHead(200, { 'Content-Type': asset.contentType }).end(asset.body);
      return;
    }
    const relative = path.startsWith('/hls/') ? normalize(path.slice('/hls/'.length)) : '';
    const type = HLS_TYPES[relative.slice(relative.lastIndexOf('.'))];
    if (!type || relative.startsWith('..') || relative.startsWith('/')) {
      res.writeHead(404).end();
      return;
    }
    readFile(join(folder, relative)).then(
      (body) => res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-cache' }).end(body),
      // A segment the sliding window already deleted: what a live origin answers too.
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    watchUrl: `http://127.0.0.1:${port}/watch`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
