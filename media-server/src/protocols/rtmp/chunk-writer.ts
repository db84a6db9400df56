import { RtmpError } from './errors.ts';
import type { RtmpMessage } from './message.ts';

export const MAX_CHUNK_SIZE = 0x7fffffff;
const EXTENDED = 0xffffff;

function basicHeader(fmt: number, chunkStreamId: number): number[] {
  if (chunkStreamId < 2 || chunkStreamId > 65599 || !Number.isInteger(chunkStreamId)) {
    throw new RtmpError('CHUNK_HEADER_INVALID', `chunk stream id ${chunkStreamId} is outside 2..65599`);
  }
  if (chunkStreamId < 64) return [(fmt << 6) | chunkStreamId];
  if (chunkStreamId < 320) return [fmt << 6, chunkStreamId - 64];
  const rest = chunkStreamId - 64;
  return [(fmt << 6) | 1, rest & 0xff, rest >>> 8];
}

/**
 * Splits messages into chunks. Every message starts with a type 0 header and continues with type 3 headers, which
 * is always valid and costs a few bytes on the small control and command messages a server sends.
 */
export class ChunkWriter {
  #chunkSize = 128;

  get chunkSize(): number {
    return this.#chunkSize;
  }

  /** Call after queueing the Set Chunk Size message itself: later messages use the new size. */
  setChunkSize(size: number): void {
    if (!Number.isInteger(size) || size < 1 || size > MAX_CHUNK_SIZE) {
      throw new RtmpError('CHUNK_SIZE_INVALID', `chunk size ${size} is outside 1..${MAX_CHUNK_SIZE}`);
    }
    this.#chunkSize = size;
  }

  write(message: RtmpMessage): Uint8Array {
    const { chunkStreamId, typeId, streamId, payload } = message;
    const timestamp = message.timestamp >>> 0;
    const extended = timestamp >= EXTENDED;
    const first = basicHeader(0, chunkStreamId);
    const cont = basicHeader(3, chunkStreamId);
    const chunks = Math.max(1, Math.ceil(payload.length / this.#chunkSize));
    const extBytes = extended ? 4 : 0;
    const total = first.length + 11 + extBytes + (chunks - 1) * (cont.length + extBytes) + payload.length;
    const out = new Uint8Array(total);
    const view = new DataView(out.buffer);
    let at = 0;
    out.set(first, at);
    at += first.length;
    const ts24 = extended ? EXTENDED : timestamp;
    out[at] = ts24 >>> 16;
    out[at + 1] = (ts24 >>> 8) & 0xff;
    out[at + 2] = ts24 & 0xff;
    out[at + 3] = (payload.length >>> 16) & 0xff;
    out[at + 4] = (payload.length >>> 8) & 0xff;
    out[at + 5] = payload.length & 0xff;
    out[at + 6] = typeId;
    view.setUint32(at + 7, streamId, true); // the message stream id is little-endian on the wire
    at += 11;
    for (let i = 0; i < chunks; i++) {
      if (i > 0) {
        out.set(cont, at);
        at += cont.length;
      }
      if (extended) {
        // RTMP 1.0 §5.3.1.3: continuation chunks repeat the extended timestamp; ffmpeg and FMS expect it.
        view.setUint32(at, timestamp);
        at += 4;
      }
      const piece = payload.subarray(i * this.#chunkSize, (i + 1) * this.#chunkSize);
      out.set(piece, at);
      at += piece.length;
    }
    return out;
  }
}
