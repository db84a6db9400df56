import type { Socket } from 'node:net';
import type { LogBudget } from '../limits/log-budget.ts';
import { FlvError } from '../protocols/flv/errors.ts';
import { FlvMediaReader } from '../protocols/flv/flv-media-reader.ts';
import type { MediaEvent } from '../protocols/flv/types.ts';
import { type RtmpConnectionEvent, RtmpServerConnection } from '../protocols/rtmp/connection.ts';
import { RtmpError } from '../protocols/rtmp/errors.ts';
import { type PublishEndReason, PublishSession, type RtmpPublishSession } from '../protocols/rtmp/publish-session.ts';

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

/** What one client needs from its server. */
export interface RtmpClientContext {
  readonly authorizePublish: (request: PublishRequest) => Promise<PublishDecision>;
  readonly onPublish: ((session: RtmpPublishSession) => void) | undefined;
  readonly apps: readonly string[];
  readonly maxMessageBytes: number | undefined;
  readonly idleTimeoutMs: number;
  readonly publishDeadlineMs: number;
  readonly logger: RtmpLogger;
  /** Lines about clients whose publish is not accepted (anyone on the internet) are spent from this budget. */
  readonly anonymousLogs: LogBudget;
  readonly onClosed: () => void;
}

/**
 * A client that does not read what we send is stuck or hostile. We send little: the handshake (3 KiB), a few command
 * results, acknowledgements and ping responses; the kernel's send buffer holds far more than that already.
 */
const MAX_UNSENT_BYTES = 64 * 1024;
/** After a refusal we end our side and give the encoder this long to read the reason and close. */
const REFUSAL_LINGER_MS = 2000;

/** One RTMP socket: feeds the connection state machine, applies its events, and owns the timers. */
export class RtmpClient {
  readonly #socket: Socket;
  readonly #ctx: RtmpClientContext;
  readonly #logger: RtmpLogger;
  readonly #remoteAddress: string;
  /** Who, in every log line: address and port tell concurrent clients apart. */
  readonly #peer: { readonly remoteAddress: string; readonly remotePort: number | undefined };
  readonly #connection: RtmpServerConnection;
  /** A malformed video frame is dropped and logged; the publish goes on (many in a row end it: TOO_MANY_BAD_FRAMES). */
  readonly #toStream = new FlvMediaReader({
    onDroppedFrame: (error) =>
      this.#logger.warn(
        { ...this.#peer, channelId: this.#session?.channelId, code: error.code, err: error.message },
        'rtmp video frame dropped',
      ),
  });
  /** Refreshed only by progress (connect, publish, media), not by any byte: a trickle does not keep a socket. */
  readonly #idleTimer: NodeJS.Timeout;
  /** From accept to publish accepted; cleared at acceptance. */
  readonly #deadlineTimer: NodeJS.Timeout;
  #lingerTimer: NodeJS.Timeout | undefined;
  #session: PublishSession | undefined;
  /** Set once we stop reading: refused, failed, timed out or closed. */
  #done = false;

  constructor(socket: Socket, ctx: RtmpClientContext) {
    this.#socket = socket;
    this.#ctx = ctx;
    this.#logger = ctx.logger;
    this.#remoteAddress = socket.remoteAddress ?? 'unknown';
    this.#peer = { remoteAddress: this.#remoteAddress, remotePort: socket.remotePort };
    this.#connection = new RtmpServerConnection({
      apps: ctx.apps,
      ...(ctx.maxMessageBytes === undefined ? {} : { maxMessageBytes: ctx.maxMessageBytes }),
    });
    socket.setNoDelay(true);
    this.#idleTimer = setTimeout(() => this.#onIdle(), ctx.idleTimeoutMs);
    this.#deadlineTimer = setTimeout(() => this.#onDeadline(), ctx.publishDeadlineMs);
    socket.on('data', (bytes: Buffer) => this.#onData(bytes));
    socket.on('error', (err) => this.#logger.debug({ ...this.#peer, err: err.message }, 'rtmp socket error'));
    socket.on('close', () => {
      clearTimeout(this.#idleTimer);
      clearTimeout(this.#deadlineTimer);
      clearTimeout(this.#lingerTimer);
      this.#endSession('disconnect');
      this.#done = true;
      ctx.onClosed();
    });
    this.#logger.debug(this.#peer, 'rtmp client connected');
  }

  shutdown(reason: PublishEndReason): void {
    this.#endSession(reason);
    this.#done = true;
    this.#socket.destroy();
  }

  /** Lines about a client nobody has vouched for yet are rationed; a publisher's are not. */
  #log(level: 'info' | 'warn', fields: object, msg: string): void {
    if (this.#session !== undefined || this.#ctx.anonymousLogs.take()) this.#logger[level](fields, msg);
    else this.#logger.debug(fields, msg);
  }

  #onData(bytes: Buffer): void {
    if (this.#done) return;
    this.#apply(() => this.#connection.push(bytes));
  }

  /** Runs a step of the connection and applies its events; any throw drops the client (never escapes). */
  #apply(step: () => readonly RtmpConnectionEvent[]): void {
    try {
      this.#handle(step());
    } catch (error) {
      this.#fail(error);
    }
  }

  #onIdle(): void {
    if (this.#done) return;
    this.#log('info', { ...this.#peer, idleTimeoutMs: this.#ctx.idleTimeoutMs }, 'rtmp client idle, closing');
    this.shutdown('timeout');
  }

  #onDeadline(): void {
    if (this.#done || this.#connection.state === 'publishing') return;
    this.#log(
      'info',
      { ...this.#peer, state: this.#connection.state, publishDeadlineMs: this.#ctx.publishDeadlineMs },
      'rtmp client did not publish in time, closing',
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
          this.#idleTimer.refresh();
          this.#log('info', { ...this.#peer, app: event.app }, 'rtmp connect');
          break;
        case 'publish-request':
          this.#idleTimer.refresh();
          // #authorize catches its own failures; this catch is for a bug in it, so it can never go unhandled.
          this.#authorize(event.app, event.streamKey).catch((error: unknown) => this.#fail(error));
          break;
        case 'media':
          this.#idleTimer.refresh();
          this.#onMedia(event.kind, event.body, event.timestampMs);
          break;
        case 'metadata':
          this.#idleTimer.refresh();
          this.#session?.deliver({ kind: 'metadata', metadata: event.metadata });
          break;
        case 'unpublish':
          this.#logger.info({ ...this.#peer, channelId: this.#session?.channelId }, 'rtmp unpublish');
          this.#endSession('unpublish');
          break;
        case 'refused':
          this.#log('info', { ...this.#peer, code: event.code }, 'rtmp client refused');
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
      decision = await this.#ctx.authorizePublish({ app, streamKey, remoteAddress: this.#remoteAddress });
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
      this.#log('info', { ...this.#peer, app, code: decision.code }, 'rtmp publish refused');
      // Writing the refusal to a client that does not read throws PENDING_BYTES_EXCEEDED: #apply drops it.
      if (!this.#done) this.#apply(() => this.#connection.rejectPublish(decision.reason));
      return;
    }
    this.#startSession(app, decision.channelId);
  }

  #startSession(app: string, channelId: string): void {
    const session = new PublishSession(
      channelId,
      app,
      this.#remoteAddress,
      () => this.shutdown('closed'),
      (error, event) =>
        this.#logger.error(
          { channelId, event, err: error instanceof Error ? error.message : String(error) },
          'publish session listener threw',
        ),
    );
    this.#session = session;
    this.#logger.info({ ...this.#peer, app, channelId }, 'rtmp publish accepted');
    try {
      this.#ctx.onPublish?.(session);
    } catch (error) {
      this.#logger.error({ channelId, err: String(error) }, 'onPublish threw');
    }
    // The client may have gone, or unpublished, while we waited: the session still starts and ends, so that the
    // authorizer's bookkeeping (e.g. "this channel is live") is always released through onEnd.
    if (this.#done || this.#socket.destroyed) return this.#endSession('disconnect');
    if (this.#connection.state !== 'authorizing') return this.#endSession('unpublish');
    clearTimeout(this.#deadlineTimer);
    this.#idleTimer.refresh();
    this.#apply(() => this.#connection.acceptPublish());
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
    if (!typed) this.#logger.error(fields, 'rtmp client dropped: internal error');
    else this.#log('warn', fields, 'rtmp client dropped: bad input');
    this.#endSession('error');
    this.#done = true;
    this.#socket.destroy();
  }
}
