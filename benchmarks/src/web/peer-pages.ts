/**
 * The peers of the watch page, in the same run on the same stream: the least a browser page can do to play it.
 *   /hls.html   hls.js alone (the package's minified build), lowLatencyMode, the channel's multivariant playlist
 *   /whep.html  the WHEP client alone (player/src/webrtc, no React, no API calls), the channel's WHEP endpoint
 * Served from their own origin on 127.0.0.1, so their playlist and WHEP requests are cross-origin (a CORS preflight
 * for the WHEP POST: well under a millisecond on loopback).
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { webrtcClientScript } from '@glint/player/build';

export interface PeerPages {
  hls(playlistUrl: string): string;
  whep(whepUrl: string): string;
  /** Bytes of hls.min.js: the JavaScript any hls.js page carries. */
  readonly hlsJsBytes: number;
  close(): Promise<void>;
}

const HLS_START = `const src = new URLSearchParams(location.search).get('src');
const video = document.querySelector('video');
const hls = new Hls({ lowLatencyMode: true });
hls.loadSource(src);
hls.attachMedia(video);`;

const WHEP_START = `const url = new URLSearchParams(location.search).get('url');
const video = document.querySelector('video');
glintWebrtc.whepPlay(url, { onTrack: (e) => { if (!video.srcObject) video.srcObject = e.streams[0]; } });`;

const page = (scripts: readonly string[]) =>
  `<!doctype html><meta charset="utf-8"><title>peer</title><video autoplay muted playsinline></video>${scripts
    .map((s) => `<script src="${s}"></script>`)
    .join('')}`;

export async function startPeerPages(): Promise<PeerPages> {
  const require = createRequire(import.meta.url);
  // The player package's own pinned hls.js, the one the watch page bundles.
  const hlsJs = await readFile(createRequire(require.resolve('@glint/player')).resolve('hls.js/dist/hls.min.js'));
  const whepJs = await webrtcClientScript();
  const files: Record<string, [string, string | Buffer]> = {
    '/hls.html': ['text/html', page(['/hls.min.js', '/hls-start.js'])],
    '/whep.html': ['text/html', page(['/glint-webrtc.js', '/whep-start.js'])],
    '/hls.min.js': ['text/javascript', hlsJs],
    '/hls-start.js': ['text/javascript', HLS_START],
    '/glint-webrtc.js': ['text/javascript', whepJs],
    '/whep-start.js': ['text/javascript', WHEP_START],
  };
  const server: Server = createServer((req, res) => {
    const file = files[new URL(req.url ?? '/', 'http://x').pathname];
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': `${file[0]}; charset=utf-8`, 'Cache-Control': 'no-store' });
    res.end(file[1]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    hls: (playlistUrl) => `${origin}/hls.html?src=${encodeURIComponent(playlistUrl)}`,
    whep: (whepUrl) => `${origin}/whep.html?url=${encodeURIComponent(whepUrl)}`,
    hlsJsBytes: hlsJs.byteLength,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
