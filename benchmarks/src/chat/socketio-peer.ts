/**
 * The peer: Socket.IO 4.8 with @socket.io/redis-adapter 8 on the same Redis, doing what the load asks of Glint with
 * the same semantics and message shape: a token picks the sender (in-memory map, as Glint's session lookup), `join`
 * puts the socket in a known room and answers, `send` from a member of the room (≤ 500 characters) is emitted to
 * everyone in the room, the sender included, as one object like Glint's message event. The adapter publishes every
 * broadcast to Redis for other nodes, as a Socket.IO deployment behind a load balancer does.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import { createClient } from 'redis';
import { Server } from 'socket.io';
import { listenOnLoopback, type RunningServer } from './running-server.ts';

const MAX_TEXT_CHARS = 500;

interface PeerUser {
  readonly login: string;
  readonly displayName: string;
  readonly badges: readonly never[];
}

export async function startSocketIoPeer(options: {
  readonly rooms: readonly string[];
  readonly senders: readonly string[];
  readonly redisUrl: string;
  readonly redisPrefix: string;
}): Promise<RunningServer> {
  const pub = createClient({ url: options.redisUrl });
  const sub = pub.duplicate();
  await Promise.all([pub.connect(), sub.connect()]);
  const users = new Map<string, PeerUser>();
  const tokens = options.senders.map((login) => {
    const token = randomBytes(24).toString('base64url');
    users.set(token, { login, displayName: login, badges: [] });
    return token;
  });
  const rooms = new Set(options.rooms);
  const http = createServer();
  const io = new Server(http, {
    transports: ['websocket'],
    serveClient: false,
    adapter: createAdapter(pub, sub, { key: options.redisPrefix }),
  });
  let nextId = 0;
  io.on('connection', (socket) => {
    const token = (socket.handshake.auth as { token?: unknown }).token;
    const user = typeof token === 'string' ? (users.get(token) ?? null) : null;
    socket.on('join', (room: unknown, ack: unknown) => {
      if (typeof ack !== 'function') return;
      if (typeof room !== 'string' || !rooms.has(room)) return ack({ ok: false, code: 'NO_SUCH_ROOM' });
      void socket.join(room);
      ack({ ok: true });
    });
    socket.on('send', (frame: { room?: unknown; text?: unknown }) => {
      const { room, text } = frame ?? {};
      if (typeof room !== 'string' || typeof text !== 'string') return void socket.emit('refused', 'BAD_FRAME');
      if (!user) return void socket.emit('refused', 'NOT_SIGNED_IN');
      if (!socket.rooms.has(room)) return void socket.emit('refused', 'NOT_JOINED');
      if ([...text].length > MAX_TEXT_CHARS) return void socket.emit('refused', 'MESSAGE_TOO_LONG');
      io.to(room).emit('message', { room, id: String(++nextId), user, text, emotes: [], atMs: Date.now() });
    });
  });
  return listenOnLoopback(http, tokens, async () => {
    io.disconnectSockets(true);
    await new Promise<void>((resolve) => io.close(() => resolve()));
    await Promise.all([pub.quit(), sub.quit()]).catch(() => {});
  });
}
