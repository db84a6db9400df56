/**
 * One LL-HLS worker process (a cluster worker of the media server): it serves `/live/<channel>/…` on the shared
 * LL-HLS port from replicas of the channels' packagers, which the primary keeps up to date over IPC, and reports the
 * viewers it sees. It holds no more than the primary holds and answers byte for byte what the primary would.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { LlhlsHttp, ReplicaStream } from '@glint/llhls-packager';
import { viewerId } from '../../audience/viewer-id.ts';
import { type FromWorker, type ToWorker, WORKER_SETTINGS_ENV, type WorkerSettings } from './protocol.ts';

const given = JSON.parse(process.env[WORKER_SETTINGS_ENV] ?? 'null') as WorkerSettings | null;
if (!given || typeof process.send !== 'function') {
  console.error('this is an LL-HLS worker of the media server; it is started by it (GLINT_LLHLS_WORKERS)');
  process.exit(2);
}
const settings: WorkerSettings = given;

const CHANNEL = /^[A-Za-z0-9_-]{1,64}$/;
const REPORT_MS = 1000;

interface Channel {
  readonly stream: ReplicaStream;
  readonly http: LlhlsHttp;
}

const channels = new Map<string, Channel>();
/** Viewer ids seen per channel since the last report. */
const seen = new Map<string, Set<string>>();

function send(message: FromWorker): void {
  if (process.connected) process.send?.(message);
}

function close(channel: string): void {
  channels.get(channel)?.http.close();
  channels.delete(channel);
  seen.delete(channel);
}

process.on('message', (message: ToWorker) => {
  if (message.type === 'closed') return close(message.channel);
  let entry = channels.get(message.channel);
  if (!entry || message.fresh) {
    close(message.channel);
    const stream = new ReplicaStream();
    entry = { stream, http: new LlhlsHttp(stream, { startWaitMs: settings.startWaitMs }) };
    channels.set(message.channel, entry);
  }
  entry.stream.apply(message.update);
});
// The primary is gone (it crashed, or closed the channel): nothing is left to serve.
process.on('disconnect', () => process.exit(0));

function json(res: ServerResponse, status: number, body: { code: string; message: string }): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache',
    'Access-Control-Allow-Origin': '*',
  });
  res.end(text);
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://localhost');
  } catch {
    return json(res, 400, { code: 'BAD_URL', message: 'that is not a URL path' });
  }
  if (url.pathname === '/healthz') {
    return json(res, 200, { code: 'OK', message: `LL-HLS worker ${process.pid}, ${channels.size} channel(s)` });
  }
  const match = /^\/live\/([^/]+)\/(.*)$/.exec(url.pathname);
  if (!match) return json(res, 404, { code: 'NOT_FOUND', message: 'this port serves LL-HLS only: /live/<channel>/…' });
  const channel = match[1] ?? '';
  const entry = CHANNEL.test(channel) ? channels.get(channel) : undefined;
  if (!entry) {
    return json(res, 404, {
      code: 'CHANNEL_NOT_LIVE',
      message: `channel "${channel}" is not live; try again when it starts`,
    });
  }
  const rest = match[2] ?? '';
  // A player's GET; not a preflight or a HEAD, which would count a viewer twice (once by address).
  if (req.method === 'GET' && rest.endsWith('.m3u8')) {
    const ids = seen.get(channel) ?? new Set<string>();
    seen.set(channel, ids);
    if (ids.size < settings.maxViewersPerReport)
      ids.add(viewerId(req.headers, url.searchParams, req.socket.remoteAddress ?? ''));
  }
  entry.http.handle(req, res, rest, url.searchParams);
}

// As on the HTTP port: a whole request within the deadline, checked each second. 0: no deadline (a benchmark's crowd
// connects long before its first request, and Node counts the first request's headers from the connection).
const deadline = settings.requestTimeoutMs;
const server = createServer(
  {
    requestTimeout: deadline,
    headersTimeout: deadline,
    ...(deadline > 0 ? { connectionsCheckingInterval: Math.min(1000, deadline) } : {}),
    keepAliveTimeout: settings.keepAliveTimeoutMs,
  },
  handle,
);
server.maxConnections = settings.maxConnections;
server.listen(settings.port, settings.host, () => {
  const address = server.address();
  send({ type: 'listening', port: typeof address === 'object' && address ? address.port : settings.port });
});

let lastBlocked = -1;
setInterval(() => {
  for (const [channel, ids] of seen) {
    if (ids.size > 0 && channels.has(channel)) send({ type: 'viewers', channel, ids: [...ids] });
  }
  seen.clear();
}, REPORT_MS).unref();
setInterval(() => {
  const blocked = [...channels.values()].reduce((n, c) => n + c.http.blockedCount, 0);
  if (blocked !== lastBlocked) send({ type: 'blocked', count: blocked });
  lastBlocked = blocked;
}, 100).unref();
