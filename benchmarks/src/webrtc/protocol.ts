/**
 * The messages between the benchmark (which hosts the SFU) and its child processes, over Node's IPC channel: a
 * request carries an id, the child answers once with the same id. Children exit when the channel closes, so none
 * outlives the benchmark.
 */
import type { ChildProcess } from 'node:child_process';

/** Per viewer (or bare socket): what reached it so far. */
export interface ReceiveCounts {
  /** Distinct sequence numbers received. */
  readonly received: number;
  /** Highest extended sequence number − first + 1. */
  readonly expected: number;
  /** Forward jumps of more than one sequence number on arrival (a hole, even if NACK later filled it). */
  readonly gaps: number;
}

/** Which WHEP client plays the load generator's viewers: werift (all in JS) or node-datachannel (libdatachannel). */
export type ViewerClient = 'werift' | 'datachannel';

export type LoadCommand =
  | {
      readonly type: 'add-viewers';
      readonly whepUrl: string;
      readonly count: number;
      readonly concurrency: number;
      /** Absent: werift, as before the client could be chosen. */
      readonly client?: ViewerClient;
    }
  | { readonly type: 'close-viewers' }
  | { readonly type: 'open-sockets'; readonly count: number }
  | { readonly type: 'close-sockets' }
  | { readonly type: 'snapshot' };

export interface AddViewersResult {
  readonly connected: number;
  readonly failed: number;
  readonly firstError?: string;
}

export interface SnapshotResult {
  readonly viewers: readonly ReceiveCounts[];
  readonly sockets: readonly ReceiveCounts[];
  /** This child's CPU time so far (user + system, ms). */
  readonly cpuMs: number;
}

export type PublisherCommand = { readonly type: 'publish'; readonly whipUrl: string; readonly streamKey: string };

export interface Request<C> {
  readonly id: number;
  readonly command: C;
}

export type Reply = { readonly id: number; readonly ok: true; readonly result: unknown } | ReplyError;
export interface ReplyError {
  readonly id: number;
  readonly ok: false;
  readonly error: string;
}

/** Unsolicited messages from a child: it is listening (with what it bound). */
export interface ReadyMessage {
  readonly type: 'ready';
  readonly rtpPort?: number;
}

/** The parent's side of a child's request/reply channel. */
export class ChildRpc<C> {
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  #nextId = 1;

  constructor(child: ChildProcess, label: string) {
    this.#child = child;
    child.on('message', (message: Reply | ReadyMessage) => {
      if (!('id' in message)) return;
      const pending = this.#pending.get(message.id);
      if (!pending) return;
      this.#pending.delete(message.id);
      if (message.ok) pending.resolve(message.result);
      else pending.reject(new Error(`${label}: ${message.error}`));
    });
    child.on('exit', (code, signal) => {
      for (const { reject } of this.#pending.values()) reject(new Error(`${label} exited (${code ?? signal})`));
      this.#pending.clear();
    });
  }

  call<T>(command: C, timeoutMs: number): Promise<T> {
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`no answer to ${JSON.stringify(command).slice(0, 60)} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.#child.send({ id, command } satisfies Request<C>);
    });
  }
}

/** The child's side: answers each request with `handle`'s result or error; exits when the parent goes away. */
export function serveRpc<C>(handle: (command: C) => Promise<unknown>): void {
  process.on('disconnect', () => process.exit(0));
  process.on('message', (message: Request<C>) => {
    handle(message.command).then(
      (result) => process.send?.({ id: message.id, ok: true, result } satisfies Reply),
      (error: unknown) =>
        process.send?.({
          id: message.id,
          ok: false,
          error: error instanceof Error ? error.message : String(error),
        } satisfies Reply),
    );
  });
}
