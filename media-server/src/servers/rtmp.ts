import { createServer, type Server, type Socket } from 'node:net';
import { pino } from 'pino';
import { type CapVerdict, ConnectionCaps } from '../limits/connection-caps.ts';
import { LogBudget } from '../limits/log-budget.ts';
import type { RtmpPublishSession } from '../protocols/rtmp/publish-session.ts';
import { type PublishDecision, type PublishRequest, RtmpClient, type RtmpLogger } from './rtmp-client.ts';

export type { PublishEndReason, RtmpPublishSession } from '../protocols/rtmp/publish-session.ts';
export type { PublishDecision, PublishRequest, RtmpLogger } from './rtmp-client.ts';

export interface RtmpServerOptions {
  /** Decides whether a stream key may publish, before the encoder is told NetStream.Publish.Start. */
  readonly authorizePublish: (request: PublishRequest) => Promise<PublishDecision>;
  /**
   * Called once per accepted publish, synchronously before Publish.Start is sent, so listeners attached here
   * see every media event. Every accepted decision leads to exactly one call, and that session always ends.
   */
  readonly onPublish?: (session: RtmpPublishSession) => void;
  /** No progress (connect, publish, or once publishing a media message) for this long closes a client. */
  readonly idleTimeoutMs?: number;
  /** Handshake, connect and publish must be done, and the publish accepted, this long after the socket opens. */
  readonly publishDeadlineMs?: number;
  /** Open connections in total, publishing or not; more are closed at once. */
  readonly maxConnections?: number;
  /** Open connections from one IPv4 address or IPv6 /64; more are closed at once. */
  readonly maxConnectionsPerIp?: number;
  /** Largest RTMP message a publisher may send once accepted (before that, 64 KiB). Default 8 MiB. */
  readonly maxMessageBytes?: number;
  /** Application names clients may connect to. Default ['live']. */
  readonly apps?: readonly string[];
  readonly logger?: RtmpLogger;
}

export const RTMP_SERVER_DEFAULTS = {
  idleTimeoutMs: 10_000,
  /** Four round trips (handshake, connect, createStream, publish) and a key check fit with room on a slow link. */
  publishDeadlineMs: 5_000,
  /** Each connection not yet publishing holds at most ~200 KiB of our memory: 1000 of them stay under ~200 MB. */
  maxConnections: 1000,
  /** A studio behind one NAT runs a few encoders, each perhaps reconnecting while its old socket times out. */
  maxConnectionsPerIp: 20,
} as const;

/** Lines about anonymous clients at their normal level, per window; the rest go to debug. */
const ANONYMOUS_LOG_LINES = 20;
const ANONYMOUS_LOG_WINDOW_MS = 10_000;

/** RTMP ingest: accepts publishers, checks them through `authorizePublish`, and hands out publish sessions. */
export class RtmpServer {
  readonly #options: RtmpServerOptions;
  readonly #logger: RtmpLogger;
  readonly #server: Server;
  readonly #clients = new Set<RtmpClient>();
  readonly #caps: ConnectionCaps;
  readonly #anonymousLogs: LogBudget;
  readonly #refused = { overTotal: 0, overPerIp: 0 };

  constructor(options: RtmpServerOptions) {
    this.#options = options;
    this.#logger = options.logger ?? pino({ name: 'rtmp' });
    this.#caps = new ConnectionCaps({
      maxTotal: options.maxConnections ?? RTMP_SERVER_DEFAULTS.maxConnections,
      maxPerAddress: options.maxConnectionsPerIp ?? RTMP_SERVER_DEFAULTS.maxConnectionsPerIp,
    });
    this.#anonymousLogs = new LogBudget({
      perWindow: ANONYMOUS_LOG_LINES,
      windowMs: ANONYMOUS_LOG_WINDOW_MS,
      onSuppressed: (count, windowMs) =>
        this.#logger.info({ count, windowMs }, 'rtmp: more lines about unauthenticated clients went to debug level'),
    });
    this.#server = createServer((socket) => this.#accept(socket));
    this.#server.on('error', (err) => this.#logger.error({ err: err.message }, 'rtmp server socket error'));
  }

  /** Resolves with the bound port (useful with port 0). */
  listen(port: number, host = '127.0.0.1'): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.#server.once('error', onError);
      this.#server.listen(port, host, () => {
        this.#server.off('error', onError);
        const address = this.#server.address();
        const bound = typeof address === 'object' && address !== null ? address.port : port;
        this.#logger.info({ host, port: bound }, 'rtmp listening');
        resolve(bound);
      });
    });
  }

  get connectionCount(): number {
    return this.#clients.size;
  }

  /** Connections closed on arrival because a cap was reached, since the server started. */
  get refusedConnections(): { readonly overTotal: number; readonly overPerIp: number } {
    return { ...this.#refused };
  }

  /** Stops accepting, drops every client (their sessions end with 'closed'). */
  close(): Promise<void> {
    for (const client of this.#clients) client.shutdown('closed');
    return new Promise((resolve) => {
      if (!this.#server.listening) return resolve();
      this.#server.close(() => resolve());
    });
  }

  #accept(socket: Socket): void {
    const address = socket.remoteAddress ?? 'unknown';
    const verdict = this.#caps.admit(address);
    if (verdict !== 'admitted') return this.#refuse(socket, address, verdict);
    const o = this.#options;
    const client = new RtmpClient(socket, {
      authorizePublish: o.authorizePublish,
      onPublish: o.onPublish,
      apps: o.apps ?? ['live'],
      maxMessageBytes: o.maxMessageBytes,
      idleTimeoutMs: o.idleTimeoutMs ?? RTMP_SERVER_DEFAULTS.idleTimeoutMs,
      publishDeadlineMs: o.publishDeadlineMs ?? RTMP_SERVER_DEFAULTS.publishDeadlineMs,
      logger: this.#logger,
      anonymousLogs: this.#anonymousLogs,
      onClosed: () => {
        this.#clients.delete(client);
        this.#caps.release(address);
      },
    });
    this.#clients.add(client);
  }

  /** Closed before reading a byte; counted, and logged at debug only, since a flood would otherwise flood the log. */
  #refuse(socket: Socket, remoteAddress: string, verdict: Exclude<CapVerdict, 'admitted'>): void {
    if (verdict === 'over-total') this.#refused.overTotal += 1;
    else this.#refused.overPerIp += 1;
    socket.on('error', () => {});
    socket.destroy();
    this.#logger.debug(
      { remoteAddress, verdict, open: this.#caps.total },
      'rtmp connection refused: connection cap reached',
    );
  }
}
