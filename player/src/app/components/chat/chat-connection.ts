import { type ClientFrame, readServerFrame, type ServerFrame } from './chat-protocol.ts';
import { reconnectDelayMs } from './countdown.ts';

export type ConnectionState =
  | { readonly status: 'connecting'; readonly attempt: number }
  | { readonly status: 'open' }
  /** Dropped; the next attempt is at `retryAtMs` (wall clock). */
  | { readonly status: 'waiting'; readonly retryAtMs: number; readonly attempt: number }
  | { readonly status: 'stopped' };

export interface ChatConnectionOptions {
  /** Called when a socket opens: send the joins (with `since` to resume). */
  readonly onOpen: () => void;
  readonly onFrame: (frame: ServerFrame) => void;
  readonly onState: (state: ConnectionState) => void;
}

/** A joined room hears `counts` every 2 s: this long without any frame means the link is dead, not quiet. */
const SILENCE_LIMIT_MS = 15_000;

/**
 * One chat WebSocket at /chat on this site, kept up: after a drop it tries again after 1 s doubling to 30 s (with
 * jitter), at once when the browser says it is back online; a socket that hears nothing for 15 s is given up as dead.
 * The backoff starts over once a join is answered (a server that accepts and then drops at once is not a recovery).
 */
export class ChatConnection {
  readonly #options: ChatConnectionOptions;
  #socket: WebSocket | null = null;
  #attempt = 0;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  #watchdog: ReturnType<typeof setInterval> | null = null;
  #lastHeardMs = 0;
  #stopped = false;
  readonly #online = () => {
    if (this.#retryTimer !== null) this.reconnectNow();
  };

  constructor(options: ChatConnectionOptions) {
    this.#options = options;
  }

  start(): void {
    window.addEventListener('online', this.#online);
    this.#watchdog = setInterval(() => {
      const socket = this.#socket;
      if (socket?.readyState === WebSocket.OPEN && Date.now() - this.#lastHeardMs > SILENCE_LIMIT_MS) {
        socket.close(4000, 'nothing heard for too long');
        this.#dropped(socket);
      }
    }, 5000);
    this.#connect();
  }

  stop(): void {
    this.#stopped = true;
    window.removeEventListener('online', this.#online);
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer);
    if (this.#watchdog !== null) clearInterval(this.#watchdog);
    const socket = this.#socket;
    this.#socket = null;
    socket?.close(1000, 'left the page');
    this.#options.onState({ status: 'stopped' });
  }

  /** Sends a frame if the socket is open; false when it is not (the caller says so). */
  send(frame: ClientFrame): boolean {
    const socket = this.#socket;
    if (socket?.readyState !== WebSocket.OPEN) return false;
    socket.send(JSON.stringify(frame));
    return true;
  }

  /** A new socket now (the session changed: the server reads it once, at connection); the joins resume. */
  renew(): void {
    if (this.#stopped) return;
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    const socket = this.#socket;
    this.#socket = null;
    socket?.close(1000, 'session changed');
    this.#attempt = 0;
    this.#connect();
  }

  /** Skips the wait before the next attempt. */
  reconnectNow(): void {
    if (this.#stopped || this.#retryTimer === null) return;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    this.#connect();
  }

  #connect(): void {
    const url = new URL('/chat', location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    this.#options.onState({ status: 'connecting', attempt: this.#attempt });
    const socket = new WebSocket(url);
    this.#socket = socket;
    socket.onopen = () => {
      if (this.#socket !== socket) return;
      this.#lastHeardMs = Date.now();
      this.#options.onState({ status: 'open' });
      this.#options.onOpen();
    };
    socket.onmessage = (message) => {
      if (this.#socket !== socket) return;
      this.#lastHeardMs = Date.now();
      const frame = readServerFrame(message.data);
      if (!frame) return;
      if (frame.type === 'joined') this.#attempt = 0;
      this.#options.onFrame(frame);
    };
    socket.onclose = () => this.#dropped(socket);
  }

  #dropped(socket: WebSocket): void {
    if (this.#socket !== socket || this.#stopped) return;
    this.#socket = null;
    const delayMs = reconnectDelayMs(this.#attempt, Math.random());
    this.#attempt++;
    this.#options.onState({ status: 'waiting', retryAtMs: Date.now() + delayMs, attempt: this.#attempt });
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      this.#connect();
    }, delayMs);
  }
}
