/** FLV tags out of a byte stream (ffmpeg's stdout), in whatever slices the pipe hands over. */
import { concat } from './bytes.ts';

export interface FlvStreamTag {
  /** 8 audio, 9 video, 18 script data. */
  readonly type: number;
  /** The tag's timestamp: decode time in ms. */
  readonly timestampMs: number;
  readonly body: Uint8Array;
}

export class FlvStreamError extends Error {
  readonly code = 'FLV_INVALID';
  override readonly name = 'FlvStreamError';
}

/** Largest tag we take: a 360p keyframe is tens of KB; a size past this means we lost our place in the stream. */
const MAX_TAG_BYTES = 16 << 20;

export class FlvTagReader {
  #buffer: Uint8Array = new Uint8Array(0);
  /** Bytes of file header (plus PreviousTagSize0) still to skip; unknown until its first 9 bytes are in. */
  #headerLeft: number | undefined;

  push(bytes: Uint8Array): FlvStreamTag[] {
    this.#buffer = this.#buffer.length === 0 ? bytes : concat(this.#buffer, bytes);
    const tags: FlvStreamTag[] = [];
    if (this.#headerLeft === undefined) {
      if (this.#buffer.length < 9) return tags;
      const b = this.#buffer;
      if (b[0] !== 0x46 || b[1] !== 0x4c || b[2] !== 0x56) throw new FlvStreamError('no "FLV" signature');
      this.#headerLeft = (((b[5]! << 24) | (b[6]! << 16) | (b[7]! << 8) | b[8]!) >>> 0) + 4;
    }
    if (this.#headerLeft > 0) {
      const skip = Math.min(this.#headerLeft, this.#buffer.length);
      this.#headerLeft -= skip;
      this.#buffer = this.#buffer.subarray(skip);
    }
    let at = 0;
    const b = this.#buffer;
    while (at + 11 <= b.length) {
      const size = (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!;
      if (size > MAX_TAG_BYTES) throw new FlvStreamError(`tag of ${size} bytes: out of step with the stream`);
      const end = at + 11 + size + 4;
      if (end > b.length) break;
      const timestampMs = ((b[at + 7]! << 24) | (b[at + 4]! << 16) | (b[at + 5]! << 8) | b[at + 6]!) >>> 0;
      tags.push({ type: b[at]! & 0x1f, timestampMs, body: b.slice(at + 11, at + 11 + size) });
      at = end;
    }
    this.#buffer = b.subarray(at);
    return tags;
  }
}

/** An AVC video tag's packet: 0 sequence header, 1 coded frame, 2 end of sequence; its pts is dts + composition. */
export interface AvcPacket {
  readonly packetType: number;
  readonly keyframe: boolean;
  readonly compositionMs: number;
}

export function avcPacketOf(body: Uint8Array): AvcPacket | undefined {
  if (body.length < 5 || (body[0]! & 0x0f) !== 7) return undefined;
  const cto = (body[2]! << 16) | (body[3]! << 8) | body[4]!;
  return {
    packetType: body[1]!,
    keyframe: body[0]! >>> 4 === 1,
    compositionMs: cto & 0x800000 ? cto - 0x1000000 : cto, // SI24
  };
}
