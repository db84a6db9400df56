import { createServer, type Server, type Socket } from 'node:net';
import { pino } from 'pino';
import { FlvError } from '../protocols/flv/errors.ts';
import { FlvToStream } from '../protocols/flv/to_stream.ts';
import type { MediaEvent } from '../protocols/flv/types.ts';
import { type RtmpConnectionEvent, RtmpServerConnection } from '../protocols/rtmp/connection.ts';
import { RtmpError } from '../protocols/rtmp/errors.ts';
import { type PublishEndReason, PublishSession, type RtmpPublishSession } from '../protocols/rtmp/publish_session.ts';

export type { PublishEndReason, RtmpPublishSession } from '../protocols/rtmp/publish_session.ts';

/** The subset of pino the server uses; a pino logger fits as is. */
export interface RtmpLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

export interface PublishRequest {
  readonly app: string;
  /** Secret: never log it. */
  readonly streamKey: string;
  readonly remoteAddress: string;
}

export type PublishDecision =
  | { readonly ok: true; readonly channelId: string }
  /** `reason` is shown to the streamer by their encoder; `code` is for logs and metrics. */
  | { readonly ok: false; readonly code: string; readonly reason: string };

export interface RtmpServerOptions {
  /** Decides whether a stream key may publish, before the encoder is told NetStream.Publish.Start. */
  readonly authorizePublish: (request: PublishRequest) => Promise<PublishDecision>;
  /**
   * Called once per accepted publish, synchronously before Publish.Start is sent, so listeners attached here
   * see every media event. Every accepted decision leads to exactly one call, and that session always ends.
   */
  readonly onPublish?: (session: RtmpPublishSession) => void;
  /** No bytes from a client for this long closes it. Default 10 s. */
  readonly idleTimeoutMs?: number;
  /** Largest RTMP message a client may announce. Default 8 MiB. */
  readonly maxMessageBytes?: number;
  /** Application names clients may connect to. Default ['live']. */
  readonly apps?: readonly string[];
  readonly logger?: RtmpLogger;
}

/** A client that does not read what we send (we send little) is stuck or hostile. */
const MAX_UNSENT_BYTES = 1024 * 1024;
/** After a refusal we end our side and give the encoder this long to read the reason and close. */
const REFUSAL_LINGER_MS = 2000;

/** RTMP ingest: accepts publishers, checks them through `authorizePublish`, and hands out publish sessions. */
export class RtmpServer {
  readonly #options: RtmpServerOptions;
  readonly #logger: RtmpLogger;
  readonly #server: Server;
  readonly #clients = new Set<RtmpClient>();

  constructor(options: RtmpServerOptions) {
    this.#options = options;
    this.#logger = options.logger ?? pino({ name: 'rtmp' });
    this.#server = createServer((socket) => {
      const client = new RtmpClient(socket, this.#options, this.#logger, () => this.#clients.delete(client));
      this.#clients.add(client);
    });
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

  /** Stops accepting, drops every client (their sessions end with 'closed'). */
  close(): Promise<void> {
    for (const client of this.#clients) client.shutdown('closed');
    return new Promise((resolve) => {
      if (!this.#server.listening) return resolve();
      this.#server.close(() => resolve());
    });
  }
}

class RtmpClient {
  readonly #socket: Socket;
  readonly #options: RtmpServerOptions;
  readonly #logger: RtmpLogger;
  readonly #remoteAddress: string;
  /** Who, in every log line: address and port tell concurrent clients apart. */
  readonly #peer: { readonly remoteAddress: string; readonly remotePort: number | undefined };
  readonly #connection: RtmpServerConnection;
  readonly #toStream = new FlvToStream();
  readonly #idleTimer: NodeJS.Timeout;
  #lingerTimer: NodeJS.Timeout | undefined;
  #session: PublishSession | undefined;
  /** Set once we stop reading: refused, failed, timed out or closed. */
  #done = false;

  constructor(socket: Socket, options: RtmpServerOptions, logger: RtmpLogger, onClosed: () => void) {
    this.#socket = socket;
    this.#options = options;
    this.#logger = logger;
    this.#remoteAddress = socket.remoteAddress ?? 'unknown';
    this.#peer = { remoteAddress: this.#remoteAddress, remotePort: socket.remotePort };
    this.#connection = new RtmpServerConnection({
      apps: options.apps ?? ['live'],
      ...(options.maxMessageBytes === undefined ? {} : { maxMessageBytes: options.maxMessageBytes }),
    });
    socket.setNoDelay(true);
    this.#idleTimer = setTimeout(() => this.#onIdle(), options.idleTimeoutMs ?? 10_000);
    socket.on('data', (bytes: Buffer) => this.#onData(bytes));
    socket.on('error', (err) => this.#logger.debug({ ...this.#peer, err: err.message }, 'rtmp socket error'));
    socket.on('close', () => {
      clearTimeout(this.#idleTimer);
      clearTimeout(this.#lingerTimer);
      this.#endSession('disconnect');
      this.#done = true;
      onClosed();
    });
    this.#logger.debug(this.#peer, 'rtmp client connected');
  }

  shutdown(reason: PublishEndReason): void {
    this.#endSession(reason);
    this.#done = true;
    this.#socket.destroy();
  }

  #onData(bytes: Buffer): void {
    if (this.#done) return;
    this.#idleTimer.refresh();
    try {
      this.#handle(this.#connection.push(bytes));
    } catch (error) {
      this.#fail(error);
    }
  }

  #onIdle(): void {
    if (this.#socket.destroyed) return;
    this.#logger.info(
      { ...this.#peer, idleTimeoutMs: this.#options.idleTimeoutMs ?? 10_000 },
      'rtmp client idle, closing',
    );
    this.shutdown('timeout');
  }

  #handle(events: readonly RtmpConnectionEvent[]): void {
    for (const event of events) {
      if (this.#socket.destroyed) return;
      switch (event.type) {
        case 'send':
          this.#socket.write(event.bytes);
          if (this.#socket.writableLength > MAX_UNSENT_BYTES) {
            throw new RtmpError('PENDING_BYTES_EXCEEDED', 'client does not read what the server sends');
          }
          break;
        case 'connect':
          this.#logger.info({ ...this.#peer, app: event.app }, 'rtmp connect');
          break;
        case 'publish-request':
          void this.#authorize(event.app, event.streamKey);
          break;
        case 'media':
          this.#onMedia(event.kind, event.body, event.timestampMs);
          break;
        case 'metadata':
          this.#session?.deliver({ kind: 'metadata', metadata: event.metadata });
          break;
        case 'unpublish':
          this.#logger.info({ ...this.#peer, channelId: this.#session?.channelId }, 'rtmp unpublish');
          this.#endSession('unpublish');
          break;
        case 'refused':
          this.#logger.info({ ...this.#peer, code: event.code }, 'rtmp client refused');
          this.#endGracefully();
          break;
        case 'ignored':
          this.#logger.debug({ ...this.#peer, what: event.what }, 'rtmp message ignored');
          break;
      }
    }
  }

  #onMedia(kind: 'audio' | 'video', body: Uint8Array, timestampMs: number): void {
    const session = this.#session;
    if (session === undefined || session.ended) return;
    const event: MediaEvent | undefined =
      kind === 'video' ? this.#toStream.video(body, timestampMs) : this.#toStream.audio(body, timestampMs);
    if (event !== undefined) session.deliver(event);
  }

  async #authorize(app: string, streamKey: string): Promise<void> {
    let decision: PublishDecision;
    try {
      decision = await this.#options.authorizePublish({ app, streamKey, remoteAddress: this.#remoteAddress });
    } catch (error) {
      this.#logger.error(
        { ...this.#peer, err: error instanceof Error ? error.message : String(error) },
        'authorizePublish failed',
      );
      decision = {
        ok: false,
        code: 'AUTHORIZATION_FAILED',
        reason: 'The server could not check the stream key; try again.',
      };
    }
    if (!decision.ok) {
      this.#logger.info({ ...this.#peer, app, code: decision.code }, 'rtmp publish refused');
      if (!this.#done) this.#handle(this.#connection.rejectPublish(decision.reason));
      return;
    }
    const session = new PublishSession(
      decision.channelId,
      app,
      this.#remoteAddress,
      () => this.shutdown('closed'),
      (error, event) =>
        this.#logger.error(
          { channelId: decision.channelId, event, err: error instanceof Error ? error.message : String(error) },
          'publish session listener threw',
        ),
    );
    this.#session = session;
    this.#logger.info({ ...this.#peer, app, channelId: decision.channelId }, 'rtmp publish accepted');
    try {
      this.#options.onPublish?.(session);
    } catch (error) {
      this.#logger.error({ channelId: decision.channelId, err: String(error) }, 'onPublish threw');
    }
    // The client may have gone, or unpublished, while we waited: the session still starts and ends, so that the
    // authorizer's bookkeeping (e.g. "this channel is live") is always released through onEnd.
    if (this.#done || this.#socket.destroyed) return this.#endSession('disconnect');
    if (this.#connection.state !== 'authorizing') return this.#endSession('unpublish');
    try {
      this.#handle(this.#connection.acceptPublish());
    } catch (error) {
      this.#fail(error);
    }
  }

  #endSession(reason: PublishEndReason): void {
    const session = this.#session;
    if (session === undefined || session.ended) return;
    this.#logger.info({ ...this.#peer, channelId: session.channelId, reason }, 'rtmp publish ended');
    session.end(reason);
  }

  /** Flush what was queued (the refusal), half-close, and drop the socket if the peer lingers. */
  #endGracefully(): void {
    this.#done = true;
    this.#endSession('error');
    this.#socket.end();
    this.#lingerTimer = setTimeout(() => this.#socket.destroy(), REFUSAL_LINGER_MS);
  }

  #fail(error: unknown): void {
    const typed = error instanceof RtmpError || error instanceof FlvError;
    const fields = {
      ...this.#peer,
      channelId: this.#session?.channelId,
      code: typed ? error.code : 'INTERNAL',
      err: error instanceof Error ? error.message : String(error),
    };
    if (typed) this.#logger.warn(fields, 'rtmp client dropped: bad input');
    else this.#logger.error(fields, 'rtmp client dropped: internal error');
    this.#endSession('error');
    this.#done = true;
    this.#socket.destroy();
  }
}
