/**
 * The web app's watch page served on 127.0.0.1 beside a folder of HLS, for player tests that need no Glint: the app's
 * build (player/dist, made when stale) at /watch/<channel> and /assets/*, the folder's playlists and segments under
 * /live/<channel>/ (the channel's index.m3u8 is `<channel>.m3u8` in the folder, the default channel's `index.m3u8`),
 * and the little of the API the page reads: the channel, live, with empty lists; no account (401) and no WHEP (404).
 */
import { readFile, stat } from 'node:fs/promises';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';
import { ensureAppBuild, readAppFiles } from '@glint/player/build';

export interface WatchOrigin {
  /** The watch page of the default channel (the folder's index.m3u8). */
  readonly watchUrl: string;
  /** The watch page of the channel whose multivariant playlist is `<name>.m3u8` in the folder. */
  watchUrlFor(name: string): string;
  close(): Promise<void>;
}

const HLS_TYPES: Readonly<Record<string, string>> = {
  '.m3u8': 'application/vnd.apple.mpegurl',
  '.ts': 'video/mp2t',
  '.mp4': 'video/mp4',
  '.m4s': 'video/iso.segment',
};

const NAME = /^[\w-]{1,64}$/;

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}

/** What GET /api/channels/<name> answers for a channel on air. */
function liveChannel(name: string) {
  return {
    name,
    displayName: name,
    title: `${name} test stream`,
    category: 'Testing',
    language: 'en',
    live: { broadcastId: `${name}-b1`, startedAt: Date.now(), viewers: 1 },
    followers: 0,
    you: null,
  };
}

export async function startWatchOrigin(folder: string, channel = 'ladder'): Promise<WatchOrigin> {
  const app = await readAppFiles(await ensureAppBuild());
  const playlistOf = (name: string) => join(folder, `${name === channel ? 'index' : name}.m3u8`);
  const exists = (path: string) =>
    stat(path).then(
      () => true,
      () => false,
    );

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const parts = url.pathname.split('/').filter(Boolean);
    const [top, name = '', ...rest] = parts;
    if (top === 'watch' && parts.length === 2 && NAME.test(name)) {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(app.indexHtml);
      return;
    }
    if (top === 'assets' && parts.length === 2) {
      const asset = app.assets.get(name);
      if (asset) res.writeHead(200, { 'Content-Type': asset.contentType }).end(asset.body);
      else res.writeHead(404).end();
      return;
    }
    if (top === 'api') {
      if (name === 'channels' && rest.length === 1 && NAME.test(rest[0] ?? '')) {
        const channelName = rest[0] ?? '';
        void exists(playlistOf(channelName)).then((found) =>
          found
            ? json(res, 200, liveChannel(channelName))
            : json(res, 404, { code: 'NOT_FOUND', message: `channel ${channelName} not found` }),
        );
      } else if (name === 'channels' && (rest[1] === 'vods' || rest[1] === 'clips')) {
        json(res, 200, { items: [], next: null });
      } else if (name === 'me') {
        json(res, 401, { code: 'UNAUTHENTICATED', message: 'sign in first' });
      } else {
        json(res, 404, { code: 'NOT_FOUND', message: 'this test origin has no such route' });
      }
      return;
    }
    const relative = top === 'live' && NAME.test(name) ? normalize(rest.join('/')) : '';
    const type = HLS_TYPES[relative.slice(relative.lastIndexOf('.'))];
    if (!type || relative.startsWith('..') || relative.startsWith('/')) {
      res.writeHead(404).end();
      return;
    }
    const file = relative === 'index.m3u8' ? playlistOf(name) : join(folder, relative);
    readFile(file).then(
      (body) => res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-cache' }).end(body),
      // A segment the sliding window already deleted: what a live origin answers too.
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const watchUrlFor = (name: string) => `http://127.0.0.1:${port}/watch/${name}`;
  return {
    watchUrl: watchUrlFor(channel),
    watchUrlFor,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
