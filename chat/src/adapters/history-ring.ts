import type { HistoryPage } from '../hub/chat-bus.ts';
import type { SequencedEvent } from '../protocol/types.ts';

/**
 * A room's last `capacity` events in seq order, in a fixed array (no shifting, no growth): the memory bus's history
 * and the Redis bus's local copy for when Redis is away.
 */
export class HistoryRing {
  readonly #slots: (SequencedEvent | undefined)[];
  /** Index of the next write. */
  #next = 0;
  #size = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`history capacity ${capacity} is not ≥ 1`);
    this.#slots = new Array<SequencedEvent | undefined>(capacity);
  }

  get size(): number {
    return this.#size;
  }

  /** Events must arrive in increasing seq order (the bus guarantees it). */
  push(event: SequencedEvent): void {
    this.#slots[this.#next] = event;
    this.#next = (this.#next + 1) % this.capacity;
    if (this.#size < this.capacity) this.#size += 1;
  }

  /** Oldest first. */
  events(): SequencedEvent[] {
    const out: SequencedEvent[] = [];
    const start = (this.#next - this.#size + this.capacity) % this.capacity;
    for (let i = 0; i < this.#size; i += 1) {
      const event = this.#slots[(start + i) % this.capacity];
      if (event) out.push(event);
    }
    return out;
  }

  /** A history page over what the ring holds; `latestSeq` is the room's seq (it may be above the ring's last). */
  page(options: { sinceSeq?: number; limit: number }, latestSeq: number): HistoryPage {
    return pageOf(this.events(), options, latestSeq);
  }

  clear(): void {
    this.#slots.fill(undefined);
    this.#next = 0;
    this.#size = 0;
  }
}

/**
 * The page for `kept` (consecutive stored events, oldest first). Without `sinceSeq`: the last `limit`, never a gap.
 * With it: the events after it, and `gap` when the page cannot hold everything after it — some were dropped from
 * what is kept, more than `limit` followed, or `sinceSeq` is above the room's seq (the client's offsets come from a
 * seq space the bus no longer has, e.g. a restarted single node). Seqs may skip numbers (a Redis restart moves them
 * on); a skip right after `sinceSeq` counts as a gap because the bus cannot tell what the skipped numbers were.
 */
export function pageOf(
  kept: readonly SequencedEvent[],
  options: { sinceSeq?: number; limit: number },
  latestSeq: number,
): HistoryPage {
  const limit = Math.max(0, Math.floor(options.limit));
  const since = options.sinceSeq;
  if (since === undefined) return { events: limit === 0 ? [] : kept.slice(-limit), gap: false, seq: latestSeq };
  if (since > latestSeq) return { events: [], gap: true, seq: latestSeq };
  const after = kept.filter((event) => event.seq > since);
  const page = limit === 0 ? [] : after.slice(-limit);
  const first = page[0];
  const complete =
    since === latestSeq || (first !== undefined && first.seq === since + 1 && page.length === after.length);
  return { events: page, gap: !complete, seq: latestSeq };
}
