/** Test helper: how responsive this process stays (an HTTP health check in it, polled) and how much memory it holds. */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';

/**
 * The server's responsiveness, as a health check sees it: an HTTP server in this process, polled every 25 ms, with
 * the process's RSS sampled alongside. Anything that blocks the event loop (a parser, a GC storm) shows up here.
 */
export async function startProbe(options: { readonly url?: string } = {}) {
  // With `url`, the server's own health route is polled (its HTTP stack is then part of what is measured).
  const http: Server | undefined = options.url ? undefined : createServer((_req, res) => res.end('{"status":"ok"}'));
  if (http) {
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
  }
  const address = http?.address();
  const url = options.url ?? `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/healthz`;
  const latenciesMs: number[] = [];
  const rss: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const startMs = performance.now();
      await (await fetch(url)).text();
      latenciesMs.push(performance.now() - startMs);
      rss.push(process.memoryUsage().rss);
      await new Promise((r) => setTimeout(r, 25));
    }
  })();
  return {
    latenciesMs,
    rss,
    async stop() {
      running = false;
      await loop;
      http?.close();
    },
  };
}

export const percentile = (values: readonly number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};
