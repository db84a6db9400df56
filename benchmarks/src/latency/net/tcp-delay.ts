/**
 * A TCP relay on 127.0.0.1 that holds every chunk for a fixed one-way delay in each direction, in order: HTTP under
 * a chosen RTT (25 ms each way gives 50 ms) without root or tc/netem. One timer per direction (the head of its
 * queue), never one per byte or per chunk. A direction holding more than `maxQueuedBytes` pauses its reader (TCP
 * backpressure) until half of that has gone out; a slow writer pauses it the same way.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface TcpDelayOptions {
  readonly target: { readonly host: string; readonly port: number };
  readonly oneWayDelayMs: number;
  /** Bytes held per direction before the reader is paused; default 4 MiB. */
  readonly maxQueuedBytes?: number;
}

export interface TcpDelayStats {
  readonly connections: number;
  readonly bytesUp: number;
  readonly bytesDown: number;
  /** Times a direction's reader was paused because its queue was full or its writer was slow. */
  readonly pauses: number;
}

export interface TcpDelayRelay {
  readonly port: number;
  stats(): TcpDelayStats;
  stop(): Promise<void>;
}

interface Counters {
  connections: number;
  bytesUp: number;
  bytesDown: number;
  pauses: number;
}

/** One direction of one connection: chunks held until due, then written in order. */
class DelayedPipe {
  readonly #queue: { dueMs: number; chunk: Buffer | null }[] = [];
  #head = 0;
  #queuedBytes = 0;
  #timer: NodeJS.Timeout | null = null;
  #waitingDrain = false;
  #paused = false;

  constructor(
    private readonly from: Socket,
    private readonly to: Socket,
    private readonly delayMs: number,
    private readonly maxBytes: number,
    private readonly count: (bytes: number) => void,
    private readonly onPause: () => void,
  ) {
    from.on('data', (chunk: Buffer) => this.#push(chunk));
    from.on('end', () => this.#push(null));
    to.on('drain', () => {
      this.#waitingDrain = false;
      this.#flush();
    });
  }

  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  /** `null` marks the reader's end (a half-close), delayed like the data before it. */
  #push(chunk: Buffer | null): void {
    this.#queue.push({ dueMs: performance.now() + this.delayMs, chunk });
    if (chunk) {
      this.count(chunk.length);
      this.#queuedBytes += chunk.length;
      if (this.#queuedBytes > this.maxBytes) this.#pause();
    }
    if (this.delayMs <= 0) this.#flush();
    else if (!this.#timer && !this.#waitingDrain) this.#arm();
  }

  #arm(): void {
    const head = this.#queue[this.#head];
    if (!head) return;
    this.#timer = setTimeout(
      () => {
        this.#timer = null;
        this.#flush();
      },
      Math.max(0, head.dueMs - performance.now()),
    );
  }

  #flush(): void {
    if (this.#waitingDrain || this.#timer) return;
    const now = performance.now();
    for (;;) {
      const head = this.#queue[this.#head];
      if (!head) break;
      // Timers fire up to ~1 ms early or late; within half a millisecond counts as due.
      if (head.dueMs > now + 0.5) {
        this.#arm();
        break;
      }
      this.#head++;
      if (head.chunk === null) {
        this.to.end();
        continue;
      }
      this.#queuedBytes -= head.chunk.length;
      if (this.to.destroyed) continue;
      if (!this.to.write(head.chunk)) {
        this.#waitingDrain = true;
        this.#pause();
        break;
      }
    }
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue.splice(0, this.#head);
      this.#head = 0;
    }
    if (this.#paused && !this.#waitingDrain && this.#queuedBytes <= this.maxBytes / 2) {
      this.#paused = false;
      this.from.resume();
    }
  }

  #pause(): void {
    if (this.#paused) return;
    this.#paused = true;
    this.onPause();
    this.from.pause();
  }
}

export async function startTcpDelayRelay(options: TcpDelayOptions): Promise<TcpDelayRelay> {
  if (!(options.oneWayDelayMs >= 0)) throw new RangeError(`oneWayDelayMs must be ≥ 0, got ${options.oneWayDelayMs}`);
  const maxBytes = options.maxQueuedBytes ?? 4 * 1024 * 1024;
  const counters: Counters = { connections: 0, bytesUp: 0, bytesDown: 0, pauses: 0 };
  const sockets = new Set<Socket>();
  const pipes = new Set<DelayedPipe>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };

  const server: Server = createServer({ allowHalfOpen: true, noDelay: true }, (client) => {
    counters.connections++;
    const upstream = createConnection({ ...options.target, allowHalfOpen: true, noDelay: true });
    track(client);
    track(upstream);
    const onPause = () => counters.pauses++;
    const up = new DelayedPipe(
      client,
      upstream,
      options.oneWayDelayMs,
      maxBytes,
      (n) => (counters.bytesUp += n),
      onPause,
    );
    const down = new DelayedPipe(
      upstream,
      client,
      options.oneWayDelayMs,
      maxBytes,
      (n) => (counters.bytesDown += n),
      onPause,
    );
    pipes.add(up).add(down);
    // A reset on either side ends both at once: there is nothing left to deliver in order. A clean close (FIN)
    // travels through the pipe like data, so each side closes once both of its halves have ended.
    let open = 2;
    const close = () => {
      up.stop();
      down.stop();
      pipes.delete(up);
      pipes.delete(down);
      client.destroy();
      upstream.destroy();
    };
    const closed = (hadError: boolean) => {
      if (hadError || --open === 0) close();
    };
    client.once('error', close).once('close', closed);
    upstream.once('error', close).once('close', closed);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    stats: () => ({ ...counters }),
    stop: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const pipe of pipes) pipe.stop();
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
