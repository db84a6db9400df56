/**
 * Notices B-frames in a stream of access units given in decode order: one whose pts lies below a pts already seen
 * was reordered, which only B-frames do. Once seen, the stream is taken to have them for good.
 */
export class BFrameDetector {
  #maxPts90k: number | null = null;
  #seen = false;

  /** Frames arrived out of presentation order (pts went back in decode order). */
  get seen(): boolean {
    return this.#seen;
  }

  push(pts90k: number): void {
    if (this.#maxPts90k !== null && pts90k < this.#maxPts90k) this.#seen = true;
    this.#maxPts90k = Math.max(this.#maxPts90k ?? pts90k, pts90k);
  }
}
