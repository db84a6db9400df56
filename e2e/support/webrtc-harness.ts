/**
 * A Glint-like WebRTC server for e2e tests (Fastify + WHIP/WHEP routes + WeriftSfu + StreamHub +
 * MemoryStreamKeyStore on 127.0.0.1), and a blank page on another origin for browser publishers and viewers, so
 * every fetch is cross-origin and the CORS preflight is exercised as on a real studio page.
 */
import { createServer, type Server } from 'node:http';
import { startWebrtcTestServer, type WebrtcTestServer } from '@glint/media-server/test-support/webrtc';

export type { WebrtcTestServer };
export { startWebrtcTestServer };

export interface BlankOrigin {
  readonly url: string;
  close(): Promise<void>;
}

/** http://127.0.0.1:<port>/ serving an empty page: a secure context (loopback) on an origin of its own. */
export async function startBlankOrigin(): Promise<BlankOrigin> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><meta charset="utf-8"><title>studio</title><video autoplay muted playsinline></video>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
