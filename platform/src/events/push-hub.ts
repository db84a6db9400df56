import type { WebSocket } from 'ws';
import type { AuthUser } from '../accounts/accounts.ts';
import { PlatformError } from '../errors.ts';
import type { ServiceDeps } from '../service-deps.ts';
import type { BroadcastEvent, NotificationEvent } from './platform-events.ts';

export interface PushHubOptions {
  /** Open sockets one user may have (tabs, devices); one more is refused. */
  readonly maxSocketsPerUser: number;
  /** Open sockets in all. */
  readonly maxSockets: number;
  /** A socket with more than this queued unsent is a reader that does not keep up: it is closed. */
  readonly maxBufferedBytes: number;
  /** Ping interval; a socket that has not answered the previous ping by the next one is closed. */
  readonly pingIntervalMs: number;
  /** Messages a client may send per ping interval (they are ignored); more closes the socket. */
  readonly maxIncomingPerInterval: number;
}

export const DEFAULT_PUSH_OPTIONS: PushHubOptions = {
  maxSocketsPerUser: 8,
  maxSockets: 10_000,
  maxBufferedBytes: 1024 * 1024,
  pingIntervalMs: 30_000,
  maxIncomingPerInterval: 20,
};

/** What the push channel sends: a user's new notification, or a followed channel going live or offline. */
export type PushMessage =
  | { readonly type: 'notification'; readonly notification: NotificationEvent['notification'] }
  | BroadcastEvent;

interface Connection {
  readonly user: AuthUser;
  readonly socket: WebSocket;
  /** SHA-256 of the session the socket was opened with: when the session ends (log-out, expiry), so does the socket. */
  readonly sessionHash: string;
  alive: boolean;
  incoming: number;
}

/** How many users or sessions are looked up in one query (fan-out, session checks). */
const FOLLOWER_CHUNK = 500;

/**
 * In-app push over WebSocket: the open connections per user, sent their new notifications and the go-live and
 * offline events of channels they follow. Bounded: sockets per user and in all, a slow reader is dropped rather than
 * buffered for, what clients send is ignored (and a flood closes the socket), dead peers are found by ping.
 */
export class PushHub {
  readonly #deps: ServiceDeps;
  readonly #options: PushHubOptions;
  readonly #byUser = new Map<string, Set<Connection>>();
  readonly #pending = new Set<Promise<void>>();
  readonly #unsubscribe: (() => void)[];
  readonly #pinger: NodeJS.Timeout;
  #count = 0;

  constructor(deps: ServiceDeps, options: Partial<PushHubOptions> = {}) {
    this.#deps = deps;
    this.#options = { ...DEFAULT_PUSH_OPTIONS, ...options };
    this.#unsubscribe = [
      deps.events.notification.add((e) =>
        this.#sendToUser(e.userId, { type: 'notification', notification: e.notification }),
      ),
      deps.events.broadcast.add((e) => this.#track(this.#sendToFollowers(e))),
    ];
    this.#pinger = setInterval(() => {
      this.#ping();
      this.#track(this.#closeEndedSessions());
    }, this.#options.pingIntervalMs);
    this.#pinger.unref();
  }

  /** Open sockets in all. */
  get size(): number {
    return this.#count;
  }

  /** Throws (429/503) when the user, or the server, has no room for another socket: checked before the upgrade. */
  admit(user: AuthUser): void {
    if ((this.#byUser.get(user.id)?.size ?? 0) >= this.#options.maxSocketsPerUser) {
      throw new PlatformError(
        429,
        'TOO_MANY_SOCKETS',
        `at most ${this.#options.maxSocketsPerUser} event connections per account; close another tab or device`,
      );
    }
    if (this.#count >= this.#options.maxSockets) {
      throw new PlatformError(
        503,
        'SERVER_FULL',
        'the server has no room for another event connection; retry later',
        30,
      );
    }
  }

  /**
   * Takes an upgraded socket of a signed-in user, opened with the session whose SHA-256 is `sessionHash`. Closed at
   * once (1013) when the bounds were reached meanwhile.
   */
  attach(user: AuthUser, socket: WebSocket, sessionHash: string): void {
    try {
      this.admit(user);
    } catch (error) {
      socket.close(1013, (error as PlatformError).code);
      return;
    }
    const connection: Connection = { user, socket, sessionHash, alive: true, incoming: 0 };
    let set = this.#byUser.get(user.id);
    if (!set) {
      set = new Set();
      this.#byUser.set(user.id, set);
    }
    set.add(connection);
    this.#count++;
    socket.on('pong', () => {
      connection.alive = true;
    });
    socket.on('message', () => {
      if (++connection.incoming > this.#options.maxIncomingPerInterval) socket.close(1008, 'this channel is send-only');
    });
    socket.on('error', (err) => this.#deps.logger.debug({ err, userId: user.id }, 'push socket error'));
    socket.on('close', () => this.#detach(connection));
  }

  /** Waits for fan-outs of events already emitted (tests). */
  async settled(): Promise<void> {
    await Promise.all(this.#pending);
  }

  async close(): Promise<void> {
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
    clearInterval(this.#pinger);
    await this.settled();
    for (const set of this.#byUser.values()) {
      for (const connection of set) connection.socket.close(1001, 'server shutting down');
    }
  }

  #detach(connection: Connection): void {
    const set = this.#byUser.get(connection.user.id);
    if (!set?.delete(connection)) return;
    this.#count--;
    if (set.size === 0) this.#byUser.delete(connection.user.id);
  }

  #sendToUser(userId: string, message: PushMessage): void {
    const set = this.#byUser.get(userId);
    if (!set) return;
    const text = JSON.stringify(message);
    for (const connection of set) this.#send(connection, text);
  }

  #send(connection: Connection, text: string): void {
    const { socket } = connection;
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount + text.length > this.#options.maxBufferedBytes) {
      // A close frame would wait behind the backlog: drop the connection; the client reconnects and lists anew.
      this.#deps.logger.info(
        { userId: connection.user.id, buffered: socket.bufferedAmount },
        'slow push reader dropped',
      );
      socket.terminate();
      this.#detach(connection);
      return;
    }
    socket.send(text);
  }

  /** Sends the event to every connected user who follows its channel (looked up in chunks of connected users). */
  async #sendToFollowers(event: BroadcastEvent): Promise<void> {
    const userIds = [...this.#byUser.keys()];
    const text = JSON.stringify(event satisfies PushMessage);
    for (let i = 0; i < userIds.length; i += FOLLOWER_CHUNK) {
      const rows = await this.#deps.db
        .selectFrom('follows')
        .select('user_id')
        .where('channel', '=', event.channel)
        .where('user_id', 'in', userIds.slice(i, i + FOLLOWER_CHUNK))
        .execute();
      for (const row of rows) {
        for (const connection of this.#byUser.get(row.user_id) ?? []) this.#send(connection, text);
      }
    }
  }

  #ping(): void {
    for (const set of this.#byUser.values()) {
      for (const connection of set) {
        if (!connection.alive) {
          connection.socket.terminate();
          this.#detach(connection);
          continue;
        }
        connection.alive = false;
        connection.incoming = 0;
        connection.socket.ping();
      }
    }
  }

  /** Closes (4001) the sockets whose session was logged out or expired since they opened; checked each ping. */
  async #closeEndedSessions(): Promise<void> {
    const connections = [...this.#byUser.values()].flatMap((set) => [...set]);
    for (let i = 0; i < connections.length; i += FOLLOWER_CHUNK) {
      const chunk = connections.slice(i, i + FOLLOWER_CHUNK);
      const rows = await this.#deps.db
        .selectFrom('sessions')
        .select('token_hash')
        .where('token_hash', 'in', [...new Set(chunk.map((c) => c.sessionHash))])
        .where('expires_at', '>', this.#deps.nowMs())
        .execute();
      const live = new Set(rows.map((r) => r.token_hash));
      for (const connection of chunk) {
        if (live.has(connection.sessionHash)) continue;
        connection.socket.close(4001, 'SESSION_ENDED');
        this.#detach(connection);
      }
    }
  }

  #track(work: Promise<void>): void {
    const tracked = work
      .catch((err: unknown) => this.#deps.logger.error({ err, emitter: 'push hub' }, 'event not pushed'))
      .finally(() => this.#pending.delete(tracked));
    this.#pending.add(tracked);
  }
}
