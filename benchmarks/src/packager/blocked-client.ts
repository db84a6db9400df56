/**
 * Load generator for the blocked-request benchmark, run as a child process: raw TCP sockets (far cheaper than an
 * HTTP client library), each writing GET requests for a playlist part that does not exist yet and reading the
 * responses with a minimal Content-Length parser. Reports when each response was complete on the shared clock.
 */
import { connect, type Socket } from 'node:net';
import { type FromClient, monotonicUs, playlistPath, type ToClient } from './blocked-protocol.ts';
import { fdUsage } from './fd-limit.ts';

interface Conn {
  readonly socket: Socket;
  buf: Buffer;
  /** Bytes of the response being read (headers + body); -1 while its headers are incomplete. */
  need: number;
  status: string;
}

interface Round {
  readonly id: number;
  readonly expected: number;
  readonly recvUs: number[];
  readonly statuses: Record<string, number>;
  readonly startedMs: number;
}

const conns: Conn[] = [];
let round: Round | null = null;
const HEADER_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = /\r\ncontent-length:\s*(\d+)/i;

function send(message: FromClient): void {
  process.send?.(message);
}

function onData(conn: Conn, chunk: Buffer): void {
  conn.buf = conn.buf.length === 0 ? chunk : Buffer.concat([conn.buf, chunk]);
  for (;;) {
    if (conn.need < 0) {
      const end = conn.buf.indexOf(HEADER_END);
      if (end < 0) return;
      const head = conn.buf.toString('latin1', 0, end);
      conn.status = head.slice(9, 12);
      conn.need = end + 4 + Number(CONTENT_LENGTH.exec(head)?.[1] ?? 0);
    }
    if (conn.buf.length < conn.need) return;
    conn.buf = conn.buf.subarray(conn.need);
    conn.need = -1;
    complete(conn.status);
  }
}

function complete(status: string): void {
  const r = round;
  if (!r) return;
  r.recvUs.push(monotonicUs());
  r.statuses[status] = (r.statuses[status] ?? 0) + 1;
  if (r.recvUs.length === r.expected) {
    round = null;
    send({ type: 'answered', round: r.id, recvUs: r.recvUs, statuses: r.statuses });
  }
}

function lost(reason: string): void {
  if (round) complete(reason);
}

async function connectAll(port: number, count: number, concurrency: number): Promise<void> {
  const started = performance.now();
  let failed = 0;
  let next = 0;
  const one = () =>
    new Promise<void>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port, noDelay: true });
      const conn: Conn = { socket, buf: Buffer.alloc(0), need: -1, status: '' };
      socket.once('connect', () => {
        conns.push(conn);
        resolve();
      });
      socket.on('data', (chunk: Buffer) => onData(conn, chunk));
      socket.on('error', (error) => {
        if (!conns.includes(conn)) {
          failed++;
          if (failed <= 3) process.stderr.write(`client: connect failed: ${error.message}\n`);
          resolve();
        }
      });
      socket.on('close', () => lost('closed'));
    });
  const worker = async () => {
    while (next < count) {
      next++;
      await one();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  send({ type: 'connected', sockets: conns.length, failed, ms: performance.now() - started });
}

function park(message: Extract<ToClient, { type: 'park' }>): void {
  const used = conns.slice(0, message.sockets);
  round = {
    id: message.round,
    expected: used.length * message.perSocket,
    recvUs: [],
    statuses: {},
    startedMs: performance.now(),
  };
  const request = `GET ${playlistPath(message.msn, message.part, message.channel)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`;
  const payload = request.repeat(message.perSocket);
  let pending = used.length;
  const written = () => {
    if (--pending === 0) send({ type: 'written', round: message.round });
  };
  for (const conn of used) conn.socket.write(payload, written);
}

/** A round still open this long is closed with its missing answers counted as 'unanswered'. */
const ROUND_GIVE_UP_MS = 20_000;
setInterval(() => {
  const r = round;
  if (!r || performance.now() - r.startedMs < ROUND_GIVE_UP_MS) return;
  const missing = r.expected - r.recvUs.length;
  process.stderr.write(`client: round ${r.id}: ${missing} of ${r.expected} unanswered after ${ROUND_GIVE_UP_MS} ms\n`);
  round = null;
  send({ type: 'answered', round: r.id, recvUs: r.recvUs, statuses: { ...r.statuses, unanswered: missing } });
}, 1000).unref();

process.on('message', (message: ToClient) => {
  if (message.type === 'connect') void connectAll(message.port, message.sockets, message.concurrency);
  else if (message.type === 'park') park(message);
  else if (message.type === 'reset') {
    round = null;
    for (const conn of conns.splice(0)) {
      conn.socket.removeAllListeners('close');
      conn.socket.destroy();
    }
  } else {
    for (const conn of conns) conn.socket.destroy();
    process.disconnect?.();
  }
});
process.on('disconnect', () => process.exit(0));
const fds = fdUsage();
send({ type: 'ready', fdLimit: Number.isFinite(fds.limit) ? fds.limit : 2 ** 31, openFds: fds.open });
