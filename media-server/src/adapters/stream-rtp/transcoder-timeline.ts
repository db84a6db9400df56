/**
 * One RTP timeline across the runs of a transcoder. Each ffmpeg run numbers its packets from its own first one
 * (relative ticks); a run is placed at the media time of the first input it was given, so its output shares the
 * stream's media clock with the other track, and never at or before the last packet of an earlier run, so a
 * viewer's timestamps never go back when ffmpeg restarts.
 */
export class TranscoderTimeline {
  readonly #minStepTicks: number;
  #runInputTicks: number | null = null;
  #runBaseTicks: number | null = null;
  #lastTicks: number | null = null;

  /** `minStepTicks`: the least gap between the last packet of one run and the first of the next (a frame). */
  constructor(minStepTicks: number) {
    this.#minStepTicks = minStepTicks;
  }

  /** A new run starts: its place is decided by its first input and its first packet. */
  startRun(): void {
    this.#runInputTicks = null;
    this.#runBaseTicks = null;
  }

  /** The media time of an input given to the current run; only the run's first one counts. */
  noteInput(ticks: number): void {
    this.#runInputTicks ??= ticks;
  }

  /** The timestamp of a packet of the current run, from its ticks relative to the run's first packet. */
  place(relativeTicks: number): number {
    if (this.#runBaseTicks === null) {
      const fromInput = this.#runInputTicks ?? 0;
      this.#runBaseTicks =
        this.#lastTicks === null ? fromInput : Math.max(fromInput, this.#lastTicks + this.#minStepTicks);
    }
    const ticks = this.#runBaseTicks + relativeTicks;
    this.#lastTicks = ticks;
    return ticks;
  }
}
