/**
 * One record per frame from the page's reads. requestVideoFrameCallback only tries to let drawImage() draw the frame
 * its metadata describes ("best effort"): on a busy machine the <video> has sometimes moved on to the next frame
 * when the callback draws it. Then one callback pairs frame N's display (and receive) time with frame N+1's band,
 * and the next callback reads N+1 again. Seen on WebRTC under load: receive times before capture, 5 ms glass to
 * glass.
 *
 * Each presented frame also carries its media clock (rtpTimestamp for WebRTC, mediaTime for MSE players), which runs
 * with the capture clock, so capture ms − media ms is nearly constant for a correctly paired read and one frame
 * interval larger for a read that got the next frame. Of consecutive reads of one band, the picker keeps the read
 * whose offset is nearest the recent median: the right pairing for a race (the later read), and the first display
 * for a frame the source itself repeated (its later presentations have a later media time, so a smaller offset).
 */
import { bandKit } from '../band.ts';
import type { ViewedFrame } from '../types.ts';
import type { RawFrame } from './frame-recorder.ts';

const MEDIAN_WINDOW = 31;
/** A read whose offset is this share of a frame interval above the median drew a later frame than its metadata's. */
const RACED_SHARE = 0.6;

export class FramePicker {
  readonly #kit = bandKit();
  readonly #frames: ViewedFrame[] = [];
  readonly #offsets: number[] = [];
  readonly #intervals: number[] = [];
  #last: { frame: number; offset: number; mediaMs: number | undefined; raced: boolean } | undefined;
  #rtpPrevious: number | undefined;
  #rtpUnwrapped = 0;
  #repeats = 0;
  #replaced = 0;
  #dropped = 0;

  /** Frames kept, in presentation order (the newest left out while it looks raced and no second read came yet). */
  get frames(): readonly ViewedFrame[] {
    return this.#last?.raced ? this.#frames.slice(0, -1) : this.#frames;
  }

  /** Reads of a band already read just before (kept once). */
  get repeats(): number {
    return this.#repeats;
  }

  /** Of those, how many replaced the earlier read (it had drawn a newer frame than its metadata described). */
  get replaced(): number {
    return this.#replaced;
  }

  /** Raced reads that no second read of the same band put right: left out, as a torn frame would be. */
  get dropped(): number {
    return this.#dropped;
  }

  push(raw: RawFrame): void {
    const capturedMs = this.#kit.unwrap(raw.ms, raw.displayedMs);
    const mediaMs = this.#mediaMs(raw);
    const offset = mediaMs === undefined ? Number.NaN : capturedMs - mediaMs;
    const median = median31(this.#offsets);
    const interval = median31(this.#intervals);
    const raced = offset - median > RACED_SHARE * interval;
    const frame: ViewedFrame = {
      frame: raw.frame,
      capturedMs,
      displayedMs: raw.displayedMs,
      ...(raw.receivedMs === undefined ? {} : { receivedMs: raw.receivedMs }),
      ...(raw.decodedMs === undefined ? {} : { decodedMs: raw.decodedMs }),
      ...(raw.rtpTimestamp === undefined ? {} : { rtpTimestamp: raw.rtpTimestamp }),
    };
    const last = this.#last;
    if (last && raw.frame === last.frame) {
      this.#repeats++;
      if (last.raced || Math.abs(offset - median) < Math.abs(last.offset - median)) {
        this.#frames[this.#frames.length - 1] = frame;
        this.#last = { frame: raw.frame, offset, mediaMs, raced };
        this.#replaced++;
      }
      return;
    }
    if (last?.raced) {
      this.#frames.pop();
      this.#dropped++;
    }
    // Raced reads count in the window too: after a step in the capture clock (a broadcaster that fell behind under
    // load) every later read looks raced until the median has moved, and a window fed only by unraced reads never
    // would, dropping every read from then on (seen: a loaded run kept no frame).
    if (last) {
      if (Number.isFinite(last.offset)) keep31(this.#offsets, last.offset);
      const step = (raw.frame - last.frame) & 0xffff;
      if (mediaMs !== undefined && last.mediaMs !== undefined && step > 0) {
        keep31(this.#intervals, (mediaMs - last.mediaMs) / step);
      }
    }
    this.#frames.push(frame);
    this.#last = { frame: raw.frame, offset, mediaMs, raced };
  }

  /** The media clock in ms: RTP's 90 kHz unwrapped past 2^32, or the media element's time. */
  #mediaMs(raw: RawFrame): number | undefined {
    if (raw.rtpTimestamp !== undefined) {
      if (this.#rtpPrevious !== undefined) this.#rtpUnwrapped += (raw.rtpTimestamp - this.#rtpPrevious) | 0;
      this.#rtpPrevious = raw.rtpTimestamp;
      return this.#rtpUnwrapped / 90;
    }
    return raw.mediaMs;
  }
}

function keep31(values: number[], value: number): void {
  values.push(value);
  if (values.length > MEDIAN_WINDOW) values.shift();
}

/** The median of a window, NaN while it is too short to say (NaN compares false: nothing is judged raced). */
function median31(values: readonly number[]): number {
  if (values.length < 5) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}
