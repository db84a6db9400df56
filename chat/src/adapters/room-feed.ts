import type { Logger } from '@glint/media-core';
import type { SequencedEvent } from '../protocol/types.ts';
import { HistoryRing } from './history-ring.ts';

export type Subscriber = (event: SequencedEvent) => void;

/** What `offer` did with an event. `gap`: it skips seqs, the feed now holds arrivals until `release`. */
export type Offered = 'delivered' | 'duplicate' | 'held' | 'gap';

/**
 * One room's events on one pod, on their way to the pod's subscribers: in seq order, each seq at most once (a seq at
 * or below the last delivered is dropped, whichever path brought it: pub/sub, a catch-up from history, or a local
 * delivery while Redis was away). While the bus fetches what a gap skipped, arrivals wait here.
 */
export class RoomFeed {
  readonly subscribers = new Set<Subscriber>();
  /** The highest seq handed to this pod's subscribers. */
  lastDelivered = 0;
  /** The highest seq this pod knows for the room (delivered, or assigned to its own publish): the re-seed floor. */
  highestSeen = 0;
  /** The last delivered events, for `history` while Redis is away. */
  readonly recent: HistoryRing;
  #held: SequencedEvent[] | null = null;

  constructor(
    readonly room: string,
    historyLimit: number,
    readonly logger: Logger,
  ) {
    this.recent = new HistoryRing(historyLimit);
  }

  get holding(): boolean {
    return this.#held !== null;
  }

  noteSeen(seq: number): void {
    if (seq > this.highestSeen) this.highestSeen = seq;
  }

  /** An event from Redis (pub/sub). */
  offer(event: SequencedEvent): Offered {
    this.noteSeen(event.seq);
    if (this.#held) {
      this.#held.push(event);
      return 'held';
    }
    if (event.seq <= this.lastDelivered) return 'duplicate';
    if (this.lastDelivered > 0 && event.seq > this.lastDelivered + 1) {
      this.#held = [event];
      return 'gap';
    }
    this.#deliver(event);
    return 'delivered';
  }

  /** An event this pod sequenced itself while Redis was away: no gap check (its seq follows what the pod knows). */
  offerLocal(event: SequencedEvent): void {
    this.noteSeen(event.seq);
    if (this.#held) this.#held.push(event);
    else if (event.seq > this.lastDelivered) this.#deliver(event);
  }

  /** Holds arrivals (e.g. while the first subscription's starting seq is read). */
  hold(): void {
    this.#held ??= [];
  }

  /** Delivers `recovered` (from history) and what was held, in seq order, each new seq once. */
  release(recovered: readonly SequencedEvent[] = []): void {
    const held = this.#held ?? [];
    this.#held = null;
    const all = [...recovered, ...held].sort((a, b) => a.seq - b.seq);
    for (const event of all) {
      this.noteSeen(event.seq);
      if (event.seq > this.lastDelivered) this.#deliver(event);
    }
  }

  #deliver(event: SequencedEvent): void {
    this.lastDelivered = event.seq;
    this.recent.push(event);
    for (const subscriber of this.subscribers) {
      try {
        subscriber(event);
      } catch (error) {
        this.logger.error({ err: error, room: this.room, seq: event.seq }, 'chat subscriber failed');
      }
    }
  }
}
