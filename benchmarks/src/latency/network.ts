/**
 * The network conditions a path runs under. The kernel here has no netem, so impairment is done by relays of our own
 * on loopback: HTTP goes through a TCP relay that delays every chunk each way; WebRTC goes through a UDP relay
 * (delay, jitter, loss) that the WHEP answer's candidates are rewritten to point at, by a small HTTP proxy in front
 * of the WHEP endpoint. Clean loopback uses no relay at all.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTcpDelayRelay } from './net/tcp-delay.ts';
import { rewriteCandidates, startUdpImpairRelay } from './net/udp-impair.ts';

export const NETS = {
  clean: { oneWayDelayMs: 0, jitterMs: 0, lossPct: 0, label: 'clean loopback' },
  rtt50: { oneWayDelayMs: 25, jitterMs: 2, lossPct: 0, label: '50 ms RTT' },
  'rtt50-loss1': { oneWayDelayMs: 25, jitterMs: 2, lossPct: 1, label: '50 ms RTT, 1 % loss (UDP; TCP delayed only)' },
} as const;
export type NetName = keyof typeof NETS;

export interface Network {
  readonly name: NetName;
  readonly label: string;
  /** The same URL reached through the TCP relay (unchanged on clean loopback). */
  http(url: string): Promise<string>;
  /** A WHEP endpoint whose answers send the media through a UDP relay of its own per viewer. */
  whep(url: string): Promise<string>;
  close(): Promise<void>;
}

export function openNetwork(name: NetName): Network {
  const net = NETS[name];
  const closers: Array<() => Promise<void> | void> = [];
  const relays = new Map<string, Promise<number>>();
  const viaTcp = (host: string, port: number): Promise<number> => {
    const key = `${host}:${port}`;
    let relay = relays.get(key);
    if (!relay) {
      relay = startTcpDelayRelay({ target: { host, port }, oneWayDelayMs: net.oneWayDelayMs }).then((r) => {
        closers.push(() => r.stop());
        return r.port;
      });
      relays.set(key, relay);
    }
    return relay;
  };
  return {
    name,
    label: net.label,
    async http(url) {
      if (net.oneWayDelayMs === 0) return url;
      const u = new URL(url);
      u.port = String(await viaTcp(u.hostname, Number(u.port)));
      return u.toString();
    },
    async whep(url) {
      if (net.oneWayDelayMs === 0 && net.lossPct === 0) return url;
      const proxy = await startWhepProxy(url, async (answer) => {
        const port = /a=candidate:\S+ \d+ udp \d+ [\d.]+ (\d+) typ host/i.exec(answer)?.[1];
        if (!port) return answer;
        const relay = await startUdpImpairRelay({
          target: { host: '127.0.0.1', port: Number(port) },
          oneWayDelayMs: net.oneWayDelayMs,
          jitterMs: net.jitterMs,
          lossPct: net.lossPct,
          seed: 7,
        });
        closers.push(() => relay.stop());
        return rewriteCandidates(answer, relay.port);
      });
      closers.push(() => new Promise<void>((resolve) => proxy.close(() => resolve())));
      const u = new URL(url);
      return `http://127.0.0.1:${(proxy.address() as AddressInfo).port}${u.pathname}`;
    },
    async close() {
      for (const close of closers.splice(0).reverse()) await close();
    },
  };
}

/** Forwards WHEP requests to `target`'s origin (same path), rewriting the SDP answer of each POST. */
async function startWhepProxy(target: string, rewrite: (answer: string) => Promise<string>): Promise<Server> {
  const origin = new URL(target).origin;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'access-control-allow-origin': '*',
        'access-control-allow-methods': 'POST, DELETE, PATCH, OPTIONS',
        'access-control-allow-headers': 'content-type, authorization',
      });
      res.end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      try {
        const headers: Record<string, string> = {};
        for (const h of ['content-type', 'authorization']) {
          const v = req.headers[h];
          if (typeof v === 'string') headers[h] = v;
        }
        const upstream = await fetch(`${origin}${req.url ?? '/'}`, {
          method: req.method ?? 'GET',
          headers,
          ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
        });
        let body = await upstream.text();
        if (req.method === 'POST' && upstream.ok) body = await rewrite(body);
        const out: Record<string, string> = {
          'access-control-allow-origin': '*',
          'access-control-expose-headers': 'location',
        };
        for (const h of ['content-type', 'location', 'etag']) {
          const v = upstream.headers.get(h);
          if (v) out[h] = h === 'location' && v.startsWith('http') ? new URL(v).pathname : v;
        }
        res.writeHead(upstream.status, out).end(body);
      } catch (error) {
        res.writeHead(502).end(String(error));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}
