/**
 * Access units waiting to be listed, in decode order. Each is stamped when it enters the server (our hub, or the
 * peer's stdin); when a part or segment is listed, its video samples leave the queue with their delay. Samples are
 * matched by their byte sizes (the first few in a row), so an access unit the server dropped is noticed rather than
 * shifting every later delay, and no server's timeline offset needs guessing.
 */
export interface ListedAu {
  readonly dtsMs: number;
  readonly enteredMs: number;
  readonly listedMs: number;
}

interface PendingAu {
  readonly dtsMs: number;
  readonly bytes: number;
  readonly enteredMs: number;
}

/** How many sizes in a row identify where a part starts; how far ahead to look for them. */
const MATCH_RUN = 4;
const MATCH_HORIZON = 300;

export class AuQueue {
  readonly #pending: PendingAu[] = [];
  #head = 0;
  readonly listed: ListedAu[] = [];
  firstEnteredMs: number | null = null;
  entered = 0;
  /** Access units passed over because a later part started after them: the server never listed them. */
  skipped = 0;
  /** Parts or segments whose sizes matched nothing pending; they took the next access units by count. */
  unmatched = 0;

  enter(dtsMs: number, bytes: number, nowMs: number): void {
    this.firstEnteredMs ??= nowMs;
    this.entered++;
    this.#pending.push({ dtsMs, bytes, enteredMs: nowMs });
  }

  /** A part or segment holding samples of these sizes was listed at `nowMs`; returns its first access unit. */
  list(sizes: readonly number[], nowMs: number): ListedAu | undefined {
    const start = this.#find(sizes);
    if (start === null) this.unmatched++;
    else {
      this.skipped += start - this.#head;
      this.#head = start;
    }
    let first: ListedAu | undefined;
    for (let i = 0; i < sizes.length && this.#head < this.#pending.length; i++) {
      const au = this.#pending[this.#head++] as PendingAu;
      const listed = { ...au, listedMs: nowMs };
      first ??= listed;
      this.listed.push(listed);
    }
    return first;
  }

  #find(sizes: readonly number[]): number | null {
    const run = Math.min(MATCH_RUN, sizes.length);
    const end = Math.min(this.#pending.length - run, this.#head + MATCH_HORIZON);
    for (let at = this.#head; at <= end; at++) {
      let i = 0;
      while (i < run && this.#pending[at + i]?.bytes === sizes[i]) i++;
      if (i === run) return at;
    }
    return null;
  }

  get pendingCount(): number {
    return this.#pending.length - this.#head;
  }

  /** Entry time of the oldest access unit not yet listed. */
  get oldestPendingMs(): number | undefined {
    return this.#pending[this.#head]?.enteredMs;
  }
}

export interface Window {
  readonly fromMs: number;
  readonly toMs: number;
}

/** The measured window: from `skipMs` after the first access unit entered, `lengthMs` long. */
export function windowAfter(firstEnteredMs: number, skipMs: number, lengthMs: number): Window {
  return { fromMs: firstEnteredMs + skipMs, toMs: firstEnteredMs + skipMs + lengthMs };
}

export function inWindow(enteredMs: number, w: Window): boolean {
  return enteredMs >= w.fromMs && enteredMs < w.toMs;
}

/** Every access unit that entered before the window's end has been listed. */
export function windowDone(queue: AuQueue, w: Window, nowMs: number): boolean {
  if (nowMs < w.toMs) return false;
  const oldest = queue.oldestPendingMs;
  return oldest === undefined || oldest >= w.toMs;
}
