import { backoffMs } from './backoff.ts';

export type SocketPhase = 'connecting' | 'open' | 'waiting' | 'stopped';

export interface ReconnectingSocketOptions {
  /** A path on this site: /api/events, /chat. */
  readonly path: string;
  /** Each time a socket opens (the first and every reconnect): join rooms, list what was missed. */
  readonly onOpen?: (send: (frame: unknown) => void) => void;
  /** Each JSON frame the server sends (a frame that is not JSON is dropped). */
  readonly onFrame: (frame: unknown) => void;
  readonly onPhase?: (phase: SocketPhase, retryInMs: number | null) => void;
  /** Close codes after which trying again is pointless (the session ended): the socket stops. */
  readonly stopOn?: readonly number[];
}

/** An open socket this long counts as healthy: the next drop starts the backoff again from 1 s. */
const HEALTHY_MS = 10_000;

/**
 * A WebSocket to this site that comes back by itself: after a drop it waits 1 s doubling to 30 s (with jitter) and
 * opens again, until stopped or closed with a code in `stopOn`.
 */
export class ReconnectingSocket {
  readonly #options: ReconnectingSocketOptions;
  #socket: WebSocket | null = null;
  #attempt = 0;
  #openedAtMs = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;

  constructor(options: ReconnectingSocketOptions) {
    this.#options = options;
    this.#connect();
  }

  /** Sends a frame now; false when the socket is not open (the caller says so rather than queueing). */
  send(frame: unknown): boolean {
    if (this.#socket?.readyState !== WebSocket.OPEN) return false;
    this.#socket.send(JSON.stringify(frame));
    return true;
  }

  /** Opens at once, without waiting for the backoff (a person pressed "Reconnect"). */
  retryNow(): void {
    if (this.#stopped || this.#socket) return;
    clearTimeout(this.#timer);
    this.#connect();
  }

  /** Closes for good (the page or component is gone): no phase is reported after this. */
  close(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    const socket = this.#socket;
    this.#socket = null;
    socket?.close(1000, 'page closed');
  }

  #connect(): void {
    if (this.#stopped) return;
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const socket = new WebSocket(`${scheme}://${location.host}${this.#options.path}`);
    this.#socket = socket;
    this.#options.onPhase?.('connecting', null);
    const send = (frame: unknown) => {
      if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
    };
    socket.onopen = () => {
      this.#openedAtMs = Date.now();
      this.#options.onPhase?.('open', null);
      this.#options.onOpen?.(send);
    };
    socket.onmessage = (event) => {
      if (typeof event.data !== 'string') return;
      let frame: unknown;
      try {
        frame = JSON.parse(event.data);
      } catch {
        return;
      }
      this.#options.onFrame(frame);
    };
    socket.onclose = (event) => {
      if (this.#socket !== socket) return;
      this.#socket = null;
      if (this.#stopped) return;
      if (this.#options.stopOn?.includes(event.code)) {
        this.#stopped = true;
        this.#options.onPhase?.('stopped', null);
        return;
      }
      if (this.#openedAtMs > 0 && Date.now() - this.#openedAtMs >= HEALTHY_MS) this.#attempt = 0;
      this.#openedAtMs = 0;
      const delay = backoffMs(this.#attempt++);
      this.#options.onPhase?.('waiting', delay);
      this.#timer = setTimeout(() => this.#connect(), delay);
    };
  }
}
