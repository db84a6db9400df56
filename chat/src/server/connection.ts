import type { AuthUser } from '@glint/platform';
import { WebSocket } from 'ws';
import { serializeServerFrame } from '../protocol/codec.ts';
import { type ChatErrorCode, CLOSE_CODES, type RoomName, type ServerFrame } from '../protocol/types.ts';

/**
 * One client socket: who it is, which rooms it is in, its flood window, and a send that drops the client rather
 * than buffer without bound. Frames are handled one after another (a user's messages keep their order).
 */
export class Connection {
  readonly ws: WebSocket;
  /** The address group it counts against (IPv4 address or IPv6 /64). */
  readonly address: string;
  user: AuthUser | null = null;
  readonly rooms = new Set<RoomName>();
  /** False once the socket is closing or was dropped: nothing more is sent or handled. */
  open = true;
  /** Answered the last ping. */
  alive = true;
  #windowStartMs = 0;
  #framesInWindow = 0;
  #chain: Promise<void> = Promise.resolve();
  #queued = 0;
  readonly #maxBufferedBytes: number;
  readonly #onDrop: (connection: Connection) => void;

  constructor(ws: WebSocket, address: string, maxBufferedBytes: number, onDrop: (connection: Connection) => void) {
    this.ws = ws;
    this.address = address;
    this.#maxBufferedBytes = maxBufferedBytes;
    this.#onDrop = onDrop;
  }

  get login(): string | null {
    return this.user?.login ?? null;
  }

  /** Counts one incoming frame; false when the connection sent more than `perSecond` in the current second. */
  countFrame(nowMs: number, perSecond: number): boolean {
    if (nowMs - this.#windowStartMs >= 1000) {
      this.#windowStartMs = nowMs;
      this.#framesInWindow = 0;
    }
    return ++this.#framesInWindow <= perSecond;
  }

  /** Runs `task` after the connection's earlier frames; returns how many are waiting (a bound against floods). */
  enqueue(task: () => Promise<void>): number {
    this.#queued++;
    this.#chain = this.#chain.then(task).finally(() => {
      this.#queued--;
    });
    return this.#queued;
  }

  /**
   * Sends a frame already serialised: a string, or its UTF-8 bytes encoded once for a whole room (sent as a text
   * frame, so each member costs a write and no re-encoding).
   */
  send(text: string | Buffer): void {
    if (!this.open || this.ws.readyState !== WebSocket.OPEN) return;
    if (this.ws.bufferedAmount > this.#maxBufferedBytes) {
      this.close(CLOSE_CODES.slowConsumer, 'too far behind: reconnect with your last seq');
      return;
    }
    if (typeof text === 'string') this.ws.send(text);
    else this.ws.send(text, { binary: false });
  }

  sendFrame(frame: ServerFrame): void {
    this.send(serializeServerFrame(frame));
  }

  sendError(error: Refusal, context: { room?: RoomName; nonce?: string } = {}): void {
    this.sendFrame({
      type: 'error',
      code: error.code,
      message: error.message,
      ...(context.room !== undefined ? { room: context.room } : {}),
      ...(context.nonce !== undefined ? { nonce: context.nonce } : {}),
      ...(error.retryAfterMs !== undefined ? { retryAfterMs: Math.ceil(error.retryAfterMs) } : {}),
    });
  }

  /**
   * Closes with a code and stops sending at once. The close frame may wait behind a backlog the client never reads:
   * the server's ping sweep terminates a connection still not closed by then.
   */
  close(code: number, reason: string): void {
    if (!this.open) return;
    this.open = false;
    this.ws.close(code, reason);
    this.#onDrop(this);
  }
}

/** What an error frame says: a ChatError of the server or a ChatProtocolError of the codec. */
export interface Refusal {
  readonly code: ChatErrorCode;
  readonly message: string;
  readonly retryAfterMs?: number | undefined;
}
