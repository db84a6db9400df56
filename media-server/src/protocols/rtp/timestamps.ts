/**
 * Extends 32-bit RTP timestamps to a continuous number: each step is read as the signed 32-bit difference from
 * the previous one, so wrap-around (and small reordering) is followed. Safe integers last ~3,000 years at 90 kHz.
 */
export class RtpTimestampUnwrapper {
  #last32: number | null = null;
  #lastExtended = 0;

  unwrap(timestamp32: number): number {
    const ts = timestamp32 >>> 0;
    if (this.#last32 === null) {
      this.#last32 = ts;
      this.#lastExtended = ts;
      return ts;
    }
    const delta = (ts - this.#last32) | 0;
    this.#last32 = ts;
    this.#lastExtended += delta;
    return this.#lastExtended;
  }
}

/** Same scheme for 16-bit sequence numbers. */
export class SequenceUnwrapper {
  #last: number | null = null;
  #lastExtended = 0;

  unwrap(seq16: number): number {
    const seq = seq16 & 0xffff;
    if (this.#last === null) {
      this.#last = seq;
      this.#lastExtended = seq;
      return seq;
    }
    const delta = ((seq - this.#last + 0x8000) & 0xffff) - 0x8000;
    this.#last = seq;
    this.#lastExtended += delta;
    return this.#lastExtended;
  }
}

/** Converts ticks between clock rates, rounding to the nearest tick. */
export function rescaleTicks(ticks: number, fromRate: number, toRate: number): number {
  return fromRate === toRate ? ticks : Math.round((ticks * toRate) / fromRate);
}

/** RTP ticks at `clockRate` to the 90 kHz media timescale. */
export function to90k(ticks: number, clockRate: number): number {
  return rescaleTicks(ticks, clockRate, 90_000);
}

/** A timeline value modulo 2^32, for the RTP timestamp field (negative values wrap too). */
export function toRtpTimestamp(ticks: number): number {
  return ((ticks % 0x1_0000_0000) + 0x1_0000_0000) % 0x1_0000_0000;
}
