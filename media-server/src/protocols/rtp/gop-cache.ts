/**
 * The RTP packets of the current group of pictures (from the packet that opened the last keyframe), so a WebRTC
 * viewer who joins mid-GOP starts at once instead of waiting for the next keyframe: an RTMP encoder cannot be asked
 * for one, and with a 1 s keyframe interval the wait averaged half a second of the first frame's time.
 *
 * A joining viewer gets the cached frames in a burst with their timestamps squeezed to end at the latest frame's
 * (one tick apart), so its decoder runs through the GOP at once and shows the live frame, instead of playing the
 * GOP at its own pace and staying behind by its age. Bounded in bytes and packets: a GOP too long to hold (an
 * encoder with a 10 s keyframe interval) is dropped, and viewers wait for the next keyframe as before.
 */
import { parseRtpPacket } from './packet.ts';
import { startsKeyframe } from './starts-keyframe.ts';

export interface GopCacheLimits {
  readonly maxBytes: number;
  readonly maxPackets: number;
}

/**
 * A 1 s GOP up to ~4 Mbit/s. The packet bound stays under the SFU's in-flight sends per viewer (512), which a burst
 * must not reach.
 */
export const GOP_CACHE_DEFAULTS: GopCacheLimits = { maxBytes: 512 * 1024, maxPackets: 400 };

export class GopCache {
  readonly #limits: GopCacheLimits;
  #packets: Buffer[] = [];
  #bytes = 0;
  #keyTimestamp: number | null = null;

  constructor(limits: GopCacheLimits = GOP_CACHE_DEFAULTS) {
    this.#limits = limits;
  }

  /** Packets held (for tests and metrics). */
  get size(): number {
    return this.#packets.length;
  }

  /** Keeps a copy of a video packet (the caller's buffer may be rewritten by a sender). */
  push(packet: Uint8Array): void {
    let payload: Uint8Array;
    let timestamp: number;
    try {
      const parsed = parseRtpPacket(packet);
      payload = parsed.payload;
      timestamp = parsed.header.timestamp;
    } catch {
      return;
    }
    if (startsKeyframe(payload) && timestamp !== this.#keyTimestamp) {
      this.clear();
      this.#keyTimestamp = timestamp;
    }
    if (this.#keyTimestamp === null) return;
    if (this.#bytes + packet.byteLength > this.#limits.maxBytes || this.#packets.length >= this.#limits.maxPackets) {
      this.clear();
      return;
    }
    this.#packets.push(Buffer.from(packet));
    this.#bytes += packet.byteLength;
  }

  clear(): void {
    this.#packets = [];
    this.#bytes = 0;
    this.#keyTimestamp = null;
  }

  /** Copies of the cached packets, in order, each frame's timestamp moved to one tick before the next frame's. */
  burst(): Buffer[] {
    const frames: number[] = [];
    for (const p of this.#packets) {
      const ts = p.readUInt32BE(4);
      if (frames[frames.length - 1] !== ts) frames.push(ts);
    }
    const latest = frames[frames.length - 1] ?? 0;
    const squeezed = new Map(frames.map((ts, i) => [ts, (latest - (frames.length - 1 - i) + 2 ** 32) % 2 ** 32]));
    return this.#packets.map((p) => {
      const copy = Buffer.from(p);
      copy.writeUInt32BE(squeezed.get(p.readUInt32BE(4)) ?? latest, 4);
      return copy;
    });
  }
}
