import { GopCache } from '../../protocols/rtp/gop-cache.ts';
import { type RtpPayload, RtpSequencer } from '../../protocols/rtp/h264-packetizer.ts';

export type RtpListener = (packet: Buffer) => void;

export interface RtpFanOutOptions {
  readonly ssrc: number;
  readonly payloadType: number;
  /**
   * Video: a new listener gets nothing before a packet that opens a keyframe (a decoder cannot start mid-GOP); it
   * starts with the current GOP, squeezed (see GopCache), when one is held.
   */
  readonly startAtKeyframe: boolean;
  /** A listener threw; the others are still served. */
  readonly onError: (error: unknown) => void;
}

interface Entry {
  readonly fn: RtpListener;
  waitingForKeyframe: boolean;
}

/**
 * One outgoing RTP stream (one SSRC, one sequence) sent to every listener. werift rewrites packets in place, so
 * every listener after the first gets its own copy.
 */
export class RtpFanOut {
  readonly #sequencer: RtpSequencer;
  readonly #options: RtpFanOutOptions;
  readonly #listeners = new Set<Entry>();
  readonly #gop: GopCache | null;

  constructor(options: RtpFanOutOptions) {
    this.#options = options;
    this.#sequencer = new RtpSequencer({ ssrc: options.ssrc, payloadType: options.payloadType });
    this.#gop = options.startAtKeyframe ? new GopCache() : null;
  }

  get size(): number {
    return this.#listeners.size;
  }

  /** Returns a remover that says whether the listener was still there. */
  add(fn: RtpListener): () => boolean {
    const burst = this.#gop?.burst() ?? [];
    const entry: Entry = { fn, waitingForKeyframe: this.#options.startAtKeyframe && burst.length === 0 };
    this.#listeners.add(entry);
    for (const packet of burst) this.#safe(() => fn(packet));
    return () => this.#listeners.delete(entry);
  }

  clear(): void {
    this.#listeners.clear();
  }

  /** Serializes `payloads` at `timestamp` (numbered even with no listener) and sends them to every listener. */
  send(payloads: readonly RtpPayload[], timestamp: number, opensKeyframe = false): void {
    const packets = this.#sequencer.serialize(payloads, timestamp);
    if (packets.length === 0) return;
    for (const packet of packets) this.#gop?.push(packet);
    let first = true;
    for (const listener of this.#listeners) {
      if (listener.waitingForKeyframe) {
        if (!opensKeyframe) continue;
        listener.waitingForKeyframe = false;
      }
      for (const packet of packets) this.#safe(() => listener.fn(first ? packet : Buffer.from(packet)));
      first = false;
    }
  }

  #safe(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.#options.onError(error);
    }
  }
}
