/**
 * Counts RTP packets by sequence number at a receiver: distinct packets, the span of sequence numbers seen (what
 * should have arrived) and holes on arrival. 16-bit wrap-around is unrolled; duplicates (a NACK answered twice)
 * count once. Pure: numbers in, counts out.
 */
import type { ReceiveCounts } from './protocol.ts';

const WINDOW = 4096;

export class SeqCounter {
  #first = -1;
  #highest = -1;
  #received = 0;
  #gaps = 0;
  /** Extended sequence numbers of the last WINDOW slots, for duplicate detection. */
  readonly #seen = new Float64Array(WINDOW).fill(-1);

  push(seq: number): void {
    const ext = this.#extend(seq & 0xffff);
    if (this.#first < 0) {
      this.#first = ext;
      this.#highest = ext;
    } else if (ext > this.#highest) {
      if (ext > this.#highest + 1) this.#gaps++;
      this.#highest = ext;
    } else if (ext < this.#first) {
      this.#first = ext;
    }
    const slot = ext % WINDOW;
    if (this.#seen[slot] === ext) return;
    this.#seen[slot] = ext;
    this.#received++;
  }

  /** The extended value of `seq` closest to the highest seen so far. */
  #extend(seq: number): number {
    if (this.#highest < 0) return seq + 0x10000; // room below the first for reordering
    const cycle = this.#highest - (this.#highest & 0xffff);
    let ext = cycle + seq;
    if (ext - this.#highest > 0x8000) ext -= 0x10000;
    else if (this.#highest - ext > 0x8000) ext += 0x10000;
    return ext;
  }

  counts(): ReceiveCounts {
    return {
      received: this.#received,
      expected: this.#first < 0 ? 0 : this.#highest - this.#first + 1,
      gaps: this.#gaps,
    };
  }
}

/** Packets missing between two snapshots of one receiver. */
export function lostBetween(before: ReceiveCounts, after: ReceiveCounts): number {
  return Math.max(0, after.expected - before.expected - (after.received - before.received));
}
