import { ByteQueue } from '../rtmp/byte-queue.ts';
import { FlvError } from './errors.ts';
import type { FlvTag, FlvTagType } from './types.ts';

const TAG_TYPES: Readonly<Record<number, FlvTagType>> = { 8: 'audio', 9: 'video', 18: 'script' };
const TAG_HEADER_BYTES = 11;
const PREVIOUS_TAG_SIZE_BYTES = 4;

export interface FlvFileHeader {
  readonly version: number;
  readonly hasAudio: boolean;
  readonly hasVideo: boolean;
}

/**
 * Splits an FLV byte stream (FLV 10.1 spec, Annex E.2/E.3) into tags. Push chunks of any size; tags come out
 * whole. Tags of unknown types are skipped, as the spec reserves them.
 */
export class FlvDemuxer {
  readonly #queue = new ByteQueue();
  #header: FlvFileHeader | undefined;
  /** Bytes still to skip before the first tag: rest of the header plus PreviousTagSize0. */
  #skip = 0;

  get header(): FlvFileHeader | undefined {
    return this.#header;
  }

  push(bytes: Uint8Array): FlvTag[] {
    this.#queue.push(bytes);
    const tags: FlvTag[] = [];
    const q = this.#queue;
    if (this.#header === undefined) {
      if (q.length < 9) return tags;
      const head = q.read(9);
      if (head[0] !== 0x46 || head[1] !== 0x4c || head[2] !== 0x56) {
        throw new FlvError('INVALID_FILE_HEADER', 'data does not start with the FLV signature');
      }
      const dataOffset = ((head[5]! << 24) | (head[6]! << 16) | (head[7]! << 8) | head[8]!) >>> 0;
      if (dataOffset < 9) throw new FlvError('INVALID_FILE_HEADER', `FLV header size ${dataOffset} is below 9`);
      this.#header = { version: head[3]!, hasAudio: (head[4]! & 0x04) !== 0, hasVideo: (head[4]! & 0x01) !== 0 };
      this.#skip = dataOffset - 9 + PREVIOUS_TAG_SIZE_BYTES;
    }
    for (;;) {
      if (this.#skip > 0) {
        const n = Math.min(this.#skip, q.length);
        q.skip(n);
        this.#skip -= n;
        if (this.#skip > 0) return tags;
      }
      if (q.length < TAG_HEADER_BYTES) return tags;
      const b0 = q.byteAt(0);
      const size = (q.byteAt(1) << 16) | (q.byteAt(2) << 8) | q.byteAt(3);
      if (q.length < TAG_HEADER_BYTES + size) return tags;
      const header = q.read(TAG_HEADER_BYTES);
      // new Uint8Array copies; slice() would not when the queued bytes are Buffers (a Buffer's slice is a view).
      const data = new Uint8Array(q.read(size));
      this.#skip = PREVIOUS_TAG_SIZE_BYTES;
      if ((b0 & 0x20) !== 0) throw new FlvError('ENCRYPTED_TAG', 'encrypted FLV tags are not supported');
      const type = TAG_TYPES[b0 & 0x1f];
      if (type === undefined) continue;
      const timestampMs = ((header[7]! << 24) | (header[4]! << 16) | (header[5]! << 8) | header[6]!) >>> 0;
      tags.push({ type, timestampMs, data });
    }
  }
}
