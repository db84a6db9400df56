/**
 * RTMP chunking (RTMP 1.0 §5.3), both ways, without I/O: a writer that splits one message into chunks and a reader
 * that reassembles the server's messages from any slicing of its bytes.
 */
import { concat } from './bytes.ts';

export interface RtmpMessage {
  readonly chunkStreamId: number;
  /** Message timestamp, ms modulo 2^32. */
  readonly timestamp: number;
  readonly typeId: number;
  readonly streamId: number;
  readonly payload: Uint8Array;
}

export const MessageType = {
  SetChunkSize: 1,
  Abort: 2,
  Acknowledgement: 3,
  UserControl: 4,
  WindowAckSize: 5,
  SetPeerBandwidth: 6,
  Audio: 8,
  Video: 9,
  Data: 18,
  Command: 20,
} as const;

export class RtmpChunkError extends Error {
  readonly code = 'RTMP_CHUNK_INVALID';
  override readonly name = 'RtmpChunkError';
}

const EXTENDED = 0xffffff;

function basicHeader(fmt: number, csid: number): number[] {
  if (!Number.isInteger(csid) || csid < 2 || csid > 65599) throw new RtmpChunkError(`chunk stream id ${csid}`);
  if (csid < 64) return [(fmt << 6) | csid];
  if (csid < 320) return [fmt << 6, csid - 64];
  return [(fmt << 6) | 1, (csid - 64) & 0xff, (csid - 64) >>> 8];
}

/**
 * One message as chunks: a type 0 header, then type 3 continuations. Always type 0 costs 11 bytes a message over
 * the compressed forms, nothing next to a video frame, and keeps every message independent of the one before.
 */
export function writeChunks(message: RtmpMessage, chunkSize: number): Uint8Array {
  const { chunkStreamId, typeId, streamId, payload } = message;
  const timestamp = message.timestamp >>> 0;
  const extended = timestamp >= EXTENDED;
  const ext = extended ? 4 : 0;
  const first = basicHeader(0, chunkStreamId);
  const cont = basicHeader(3, chunkStreamId);
  const chunks = Math.max(1, Math.ceil(payload.length / chunkSize));
  const out = new Uint8Array(first.length + 11 + ext + (chunks - 1) * (cont.length + ext) + payload.length);
  const view = new DataView(out.buffer);
  out.set(first, 0);
  let at = first.length;
  view.setUint32(at, (extended ? EXTENDED : timestamp) << 8); // 24 bits, then the length's top byte overwritten
  view.setUint32(at + 3, (payload.length << 8) | typeId);
  view.setUint32(at + 7, streamId, true); // little-endian, the one field that is
  at += 11;
  for (let i = 0; i < chunks; i++) {
    if (i > 0) {
      out.set(cont, at);
      at += cont.length;
    }
    if (extended) {
      view.setUint32(at, timestamp); // repeated on continuations (§5.3.1.3), as ffmpeg and FMS expect
      at += 4;
    }
    const piece = payload.subarray(i * chunkSize, (i + 1) * chunkSize);
    out.set(piece, at);
    at += piece.length;
  }
  return out;
}

interface ChunkStreamState {
  timestamp: number;
  delta: number;
  length: number;
  typeId: number;
  streamId: number;
  extended: boolean;
  parts: Uint8Array[];
  received: number;
}

/** Largest message we accept from a server; what it sends us are commands of a few hundred bytes. */
const MAX_MESSAGE_BYTES = 1 << 20;

export class ChunkReader {
  #buffer: Uint8Array = new Uint8Array(0);
  #chunkSize = 128;
  readonly #streams = new Map<number, ChunkStreamState>();

  push(bytes: Uint8Array): RtmpMessage[] {
    this.#buffer = this.#buffer.length === 0 ? bytes : concat(this.#buffer, bytes);
    const out: RtmpMessage[] = [];
    for (;;) {
      const used = this.#readChunk(out);
      if (used === 0) break;
      this.#buffer = this.#buffer.subarray(used);
    }
    return out;
  }

  /** Reads one chunk from the buffer; 0 when it is not all there yet. */
  #readChunk(out: RtmpMessage[]): number {
    const b = this.#buffer;
    if (b.length < 1) return 0;
    const fmt = b[0]! >>> 6;
    let csid = b[0]! & 0x3f;
    let at = 1;
    if (csid === 0) {
      if (b.length < 2) return 0;
      csid = 64 + b[1]!;
      at = 2;
    } else if (csid === 1) {
      if (b.length < 3) return 0;
      csid = 64 + b[1]! + (b[2]! << 8);
      at = 3;
    }
    const headerBytes = [11, 7, 3, 0][fmt]!;
    if (b.length < at + headerBytes) return 0;
    const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const prev = this.#streams.get(csid);
    if (fmt !== 0 && prev === undefined) throw new RtmpChunkError(`chunk of type ${fmt} opens chunk stream ${csid}`);
    const s: ChunkStreamState = prev ?? {
      timestamp: 0,
      delta: 0,
      length: 0,
      typeId: 0,
      streamId: 0,
      extended: false,
      parts: [],
      received: 0,
    };
    const starting = s.received === 0;
    let field = 0;
    if (fmt <= 2) field = view.getUint32(at - 1) & 0xffffff;
    if (fmt <= 1) {
      s.length = view.getUint32(at + 2) & 0xffffff;
      s.typeId = b[at + 6]!;
      if (s.length > MAX_MESSAGE_BYTES) throw new RtmpChunkError(`message of ${s.length} bytes from the server`);
    }
    if (fmt === 0) s.streamId = view.getUint32(at + 7, true);
    at += headerBytes;
    if (fmt <= 2) s.extended = field === EXTENDED;
    let stamp = field;
    if (s.extended) {
      if (b.length < at + 4) return 0;
      stamp = view.getUint32(at);
      at += 4;
    }
    const take = Math.min(this.#chunkSize, s.length - s.received);
    if (b.length < at + take) return 0;
    if (starting) {
      if (fmt === 0) s.timestamp = stamp;
      else if (fmt <= 2) {
        s.delta = stamp;
        s.timestamp = (s.timestamp + stamp) >>> 0;
      } else if (fmt === 3 && prev !== undefined) s.timestamp = (s.timestamp + s.delta) >>> 0;
    }
    s.parts.push(b.slice(at, at + take));
    s.received += take;
    this.#streams.set(csid, s);
    if (s.received >= s.length) {
      const payload = s.parts.length === 1 ? s.parts[0]! : concat(...s.parts);
      s.parts = [];
      s.received = 0;
      const message = { chunkStreamId: csid, timestamp: s.timestamp, typeId: s.typeId, streamId: s.streamId, payload };
      if (message.typeId === MessageType.SetChunkSize && payload.length >= 4) {
        this.#chunkSize = Math.max(1, new DataView(payload.buffer, payload.byteOffset).getUint32(0) & 0x7fffffff);
      }
      out.push(message);
    }
    return at + take;
  }
}
