import { RtpTimestampUnwrapper, rescaleTicks } from '../../protocols/rtp/timestamps.ts';

/**
 * Places one track's RTP clock on the stream's 90 kHz timeline. Without RTCP sender reports the two tracks' RTP
 * clocks share no origin, so each track's first packet is put at its arrival time relative to the first packet of
 * either track; later packets follow their own RTP timestamps (no jitter from arrival times).
 */
export class TrackTimeline {
  readonly #unwrapper = new RtpTimestampUnwrapper();
  readonly #clockRate: number;
  #firstTicks = 0;
  #offset90k: number | null = null;

  constructor(clockRate: number) {
    this.#clockRate = clockRate;
  }

  to90k(rtpTimestamp: number, originMs: () => number, nowMs: number): number {
    const ticks = this.#unwrapper.unwrap(rtpTimestamp);
    if (this.#offset90k === null) {
      this.#firstTicks = ticks;
      this.#offset90k = Math.round((nowMs - originMs()) * 90);
    }
    return this.#offset90k + rescaleTicks(ticks - this.#firstTicks, this.#clockRate, 90_000);
  }
}
