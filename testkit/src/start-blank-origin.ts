import { createServer, type Server } from 'node:http';

export interface BlankOrigin {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * http://127.0.0.1:<port>/ serving an empty page with one <video>: a secure context (loopback) on an origin of its
 * own, so a browser's WHIP/WHEP fetches to the server are cross-origin (CORS preflight included) as on a real page.
 */
export async function startBlankOrigin(title = 'glint test'): Promise<BlankOrigin> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><meta charset="utf-8"><title>${title}</title><video autoplay muted playsinline></video>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
