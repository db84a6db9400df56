import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { addressGroup, type Logger } from '@glint/media-core';
import { type Platform, sessionTokenOfHeaders } from '@glint/platform';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { EmoteSets } from '../emotes/emote-sets.ts';
import type { ChatBus } from '../hub/chat-bus.ts';
import { parseClientFrame } from '../protocol/codec.ts';
import { ChatProtocolError } from '../protocol/protocol-error.ts';
import {
  CLOSE_CODES,
  type ClientFrame,
  MAX_CLIENT_FRAME_BYTES,
  PROTOCOL_VERSION,
  type RoomName,
} from '../protocol/types.ts';
import { ChatError } from './chat-error.ts';
import { type ChatLimits, DEFAULT_CHAT_LIMITS } from './chat-limits.ts';
import { ChatterProfiles } from './chatter-profiles.ts';
import { Connection } from './connection.ts';
import { type ModerationDeps, moderate } from './moderation.ts';
import { PlatformBans } from './platform-bans.ts';
import type { Room } from './room.ts';
import { RoomRegistry } from './room-registry.ts';
import { admitMessage } from './send-checks.ts';
import { refuseUpgrade } from './upgrade-refusal.ts';

export interface ChatServerOptions {
  readonly platform: Platform;
  readonly bus: ChatBus;
  readonly logger: Logger;
  /** The channel's live viewers, pushed to its room with the chatter count. */
  readonly viewers?: (room: RoomName) => number;
  readonly limits?: Partial<ChatLimits>;
  /** Each channel's emotes (default: read from the platform, cached per pod). */
  readonly emotes?: EmoteSets;
  /** The path handleUpgrade serves; default /chat. */
  readonly path?: string;
  readonly nowMs?: () => number;
}

/** Why a new connection is refused before its upgrade, with the HTTP status and close code that say so. */
export interface AdmissionRefusal {
  readonly status: 429 | 503;
  readonly closeCode: number;
  readonly message: string;
}

/**
 * The chat pod: WebSocket connections, the rooms they are in on this pod, and the frames they send. What pods share
 * (events in order, history, bans, settings, rate counters) goes through the ChatBus; each room's events are
 * serialised once here and the same string written to every member.
 */
export class ChatServer {
  readonly limits: ChatLimits;
  readonly #options: ChatServerOptions;
  readonly #bus: ChatBus;
  readonly #logger: Logger;
  readonly #nowMs: () => number;
  readonly #wss: WebSocketServer;
  readonly #profiles: ChatterProfiles;
  readonly #emotes: EmoteSets;
  /** The emote sets this pod built itself (and so closes): not those a caller passed in. */
  readonly #ownsEmotes: boolean;
  readonly #bans: PlatformBans;
  readonly #connections = new Set<Connection>();
  readonly #perAddress = new Map<string, number>();
  readonly #rooms: RoomRegistry;
  /** Sockets told to close, by the sweep they were told in: still open at the next sweep, they are terminated. */
  readonly #closing = new Map<WebSocket, number>();
  readonly #timers: NodeJS.Timeout[];
  #sweeps = 0;
  #closed = false;

  constructor(options: ChatServerOptions) {
    this.#options = options;
    this.#bus = options.bus;
    this.#logger = options.logger;
    this.#nowMs = options.nowMs ?? Date.now;
    this.limits = { ...DEFAULT_CHAT_LIMITS, ...options.limits };
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_FRAME_BYTES });
    this.#profiles = new ChatterProfiles(options.platform, this.limits.profileCacheMs, this.#nowMs);
    this.#rooms = new RoomRegistry({
      platform: options.platform,
      bus: this.#bus,
      logger: this.#logger,
      nowMs: this.#nowMs,
      batchMs: this.limits.batchMs,
      historyLimit: this.limits.historyLimit,
      viewers: options.viewers,
      onBanChange: (room, login) => this.#profiles.forgetLogin(room, login),
    });
    this.#bans = new PlatformBans(options.platform, options.bus, this.#logger);
    this.#ownsEmotes = options.emotes === undefined;
    this.#emotes =
      options.emotes ?? new EmoteSets(options.platform.emotes, { nowMs: this.#nowMs, logger: this.#logger });
    this.#timers = [
      setInterval(() => void this.#rooms.sendCounts(), this.limits.countsIntervalMs),
      setInterval(() => this.#sweep(), this.limits.pingIntervalMs),
    ];
    for (const timer of this.#timers) timer.unref();
  }

  /** Open connections on this pod. */
  get connectionCount(): number {
    return this.#connections.size;
  }

  /** Rooms with members on this pod. */
  get roomCount(): number {
    return this.#rooms.size;
  }

  /** Whether one more connection from `address` fits; null when it does (check before an upgrade). */
  admission(address: string): AdmissionRefusal | null {
    if (this.#closed || this.#connections.size >= this.limits.maxConnections) {
      return { status: 503, closeCode: 1013, message: 'the chat server is full; try again in a moment' };
    }
    if ((this.#perAddress.get(addressGroup(address)) ?? 0) >= this.limits.maxConnectionsPerAddress) {
      return {
        status: 429,
        closeCode: CLOSE_CODES.tooManyConnections,
        message: `at most ${this.limits.maxConnectionsPerAddress} chat connections from one address`,
      };
    }
    return null;
  }

  /** For a node:http server's 'upgrade' event: serves the chat path, refuses what is over the bounds. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = new URL(request.url ?? '/', 'http://chat').pathname;
    if (path !== (this.#options.path ?? '/chat')) {
      refuseUpgrade(socket, 404, 'no WebSocket here; chat is at /chat');
      return;
    }
    const address = request.socket.remoteAddress ?? '';
    const refusal = this.admission(address);
    if (refusal) {
      this.#logger.debug({ address: addressGroup(address), status: refusal.status }, 'chat upgrade refused');
      refuseUpgrade(socket, refusal.status, refusal.message);
      return;
    }
    this.#wss.handleUpgrade(request, socket, head, (ws) => this.accept(ws, request, address));
  }

  /**
   * Takes a socket already upgraded (by handleUpgrade, or @fastify/websocket on the media server: give it
   * maxPayload MAX_CLIENT_FRAME_BYTES). `address` is the client's (default the socket's peer; a proxy's forwarded
   * address when the caller trusts it).
   */
  accept(ws: WebSocket, request: IncomingMessage, address = request.socket.remoteAddress ?? ''): void {
    const refusal = this.admission(address);
    if (refusal) {
      ws.close(refusal.closeCode, refusal.message);
      return;
    }
    const group = addressGroup(address);
    const connection = new Connection(ws, group, this.limits.maxBufferedBytes, (c) => this.#dropped(c));
    this.#connections.add(connection);
    this.#perAddress.set(group, (this.#perAddress.get(group) ?? 0) + 1);
    ws.on('message', (data, isBinary) => this.#onMessage(connection, data, isBinary));
    ws.on('pong', () => {
      connection.alive = true;
    });
    ws.on('error', (err) => this.#logger.debug({ err, address: group }, 'chat socket error'));
    ws.on('close', () => {
      this.#closing.delete(ws);
      connection.open = false;
      this.#detach(connection);
    });
    const token = sessionTokenOfHeaders(request);
    connection.enqueue(async () => {
      try {
        connection.user = token === undefined ? null : await this.#options.platform.accounts.identify(token);
      } catch (err) {
        // The platform's database is down: the client may still read, as anonymous.
        this.#logger.warn({ err }, 'chat could not identify a session; connection treated as anonymous');
      }
      const user = connection.user;
      connection.sendFrame({
        type: 'hello',
        v: PROTOCOL_VERSION,
        user: user ? { login: user.login, displayName: user.displayName, badges: [] } : null,
      });
    });
  }

  /** Closes every connection (1001) and leaves every room. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const timer of this.#timers) clearInterval(timer);
    for (const connection of [...this.#connections]) connection.close(CLOSE_CODES.goingAway, 'server shutting down');
    await this.#rooms.close();
    this.#profiles.close();
    this.#bans.close();
    // Its listener on the platform's emote changes would otherwise outlive the pod.
    if (this.#ownsEmotes) this.#emotes.close();
    this.#wss.close();
  }

  #onMessage(connection: Connection, data: RawData, isBinary: boolean): void {
    if (!connection.open) return;
    if (!connection.countFrame(this.#nowMs(), this.limits.framesPerSecond)) {
      this.#logger.info({ address: connection.address, login: connection.login }, 'chat connection flooding: closed');
      connection.close(CLOSE_CODES.flood, `more than ${this.limits.framesPerSecond} frames a second`);
      return;
    }
    const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    if (bytes.length > MAX_CLIENT_FRAME_BYTES) {
      // handleUpgrade's server refuses these itself (1009); a socket upgraded elsewhere may not have.
      connection.close(1009, `a frame is at most ${MAX_CLIENT_FRAME_BYTES} bytes`);
      return;
    }
    if (isBinary) {
      connection.sendError(new ChatError('BAD_FRAME', 'frames are JSON text, not binary'));
      return;
    }
    const frame = parseClientFrame(bytes.toString('utf8'));
    const queued = connection.enqueue(async () => {
      if (!connection.open) return;
      if (frame instanceof ChatProtocolError) connection.sendError(frame);
      else await this.#handle(connection, frame);
    });
    // Frames waiting on slow lookups: the flood limit usually bounds this; a stalled platform must not either.
    if (queued > 2 * this.limits.framesPerSecond) {
      connection.close(CLOSE_CODES.flood, 'too many frames waiting; slow down');
    }
  }

  async #handle(connection: Connection, frame: ClientFrame): Promise<void> {
    const context = {
      ...('room' in frame ? { room: frame.room } : {}),
      ...(frame.type === 'send' && frame.nonce !== undefined ? { nonce: frame.nonce } : {}),
    };
    try {
      switch (frame.type) {
        case 'ping':
          connection.sendFrame({ type: 'pong' });
          return;
        case 'join':
          return await this.#join(connection, frame.room, frame.since);
        case 'leave':
          if (!connection.rooms.has(frame.room)) throw notJoined(frame.room);
          this.#leave(connection, frame.room);
          return;
        case 'send':
          return await this.#send(connection, frame.room, frame.text);
        case 'mod': {
          const user = connection.user;
          if (!user) throw new ChatError('NOT_SIGNED_IN', 'sign in to moderate');
          await moderate(this.#moderationDeps(), this.#joinedRoom(connection, frame.room), user, frame.action);
          return;
        }
      }
    } catch (error) {
      if (error instanceof ChatError || error instanceof ChatProtocolError) {
        connection.sendError(error, context);
        return;
      }
      this.#logger.error({ err: error, type: frame.type, ...context }, 'chat frame failed');
      connection.sendError(
        new ChatError('UNAVAILABLE', 'chat could not do that just now; try again in a moment'),
        context,
      );
    }
  }

  async #join(connection: Connection, name: RoomName, since: number | undefined): Promise<void> {
    if (!connection.rooms.has(name) && connection.rooms.size >= this.limits.maxRoomsPerConnection) {
      throw new ChatError('TOO_MANY_ROOMS', `a connection is in at most ${this.limits.maxRoomsPerConnection} rooms`);
    }
    let room = await this.#rooms.open(name);
    // Its last member may have left (closing it) while this join waited: join the room that is open now.
    while (this.#rooms.get(name) !== room) room = await this.#rooms.open(name);
    if (!connection.open) return;
    connection.rooms.add(name);
    try {
      await room.join(connection, since);
    } catch (error) {
      connection.rooms.delete(name);
      this.#rooms.leave(room, connection);
      throw error;
    }
  }

  #leave(connection: Connection, name: RoomName): void {
    connection.rooms.delete(name);
    const room = this.#rooms.get(name);
    if (room) this.#rooms.leave(room, connection);
  }

  #joinedRoom(connection: Connection, name: RoomName): Room {
    const room = this.#rooms.get(name);
    if (!room || !connection.rooms.has(name)) throw notJoined(name);
    return room;
  }

  async #send(connection: Connection, name: RoomName, text: string): Promise<void> {
    const user = connection.user;
    if (!user) throw new ChatError('NOT_SIGNED_IN', 'sign in to chat; anyone may read');
    const room = this.#joinedRoom(connection, name);
    const { profile, emotes } = await admitMessage(
      {
        bus: this.#bus,
        profiles: this.#profiles,
        limits: this.limits,
        nowMs: this.#nowMs,
        emotes: this.#emotes,
      },
      room,
      user,
      text,
    );
    await this.#bus.publish(name, {
      kind: 'message',
      id: randomBytes(9).toString('base64url'),
      user: profile.chatter,
      text,
      emotes,
      atMs: this.#nowMs(),
    });
  }

  #moderationDeps(): ModerationDeps {
    return {
      bans: this.#bans,
      bus: this.#bus,
      platform: this.#options.platform,
      profiles: this.#profiles,
      nowMs: this.#nowMs,
      logger: this.#logger,
    };
  }

  /** Told to close (flood, slow consumer, shutdown): out of its rooms now, terminated by a later sweep if need be. */
  #dropped(connection: Connection): void {
    if (connection.ws.readyState !== connection.ws.CLOSED) this.#closing.set(connection.ws, this.#sweeps);
    this.#detach(connection);
  }

  #detach(connection: Connection): void {
    if (!this.#connections.delete(connection)) return;
    const count = (this.#perAddress.get(connection.address) ?? 1) - 1;
    if (count > 0) this.#perAddress.set(connection.address, count);
    else this.#perAddress.delete(connection.address);
    for (const name of connection.rooms) this.#leave(connection, name);
  }

  /** Pings every connection, drops those that did not answer the last ping or ignored a close, trims caches. */
  #sweep(): void {
    this.#sweeps++;
    for (const [ws, sweep] of this.#closing) {
      if (sweep < this.#sweeps - 1) {
        ws.terminate();
        this.#closing.delete(ws);
      }
    }
    for (const connection of this.#connections) {
      if (!connection.alive) {
        connection.ws.terminate();
        this.#detach(connection);
        continue;
      }
      connection.alive = false;
      connection.ws.ping();
    }
    this.#profiles.sweep();
  }
}

function notJoined(room: RoomName): ChatError {
  return new ChatError('NOT_JOINED', `join ${room} first`);
}
