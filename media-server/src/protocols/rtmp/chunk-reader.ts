import { ByteQueue } from './byte-queue.ts';
import { MAX_CHUNK_SIZE } from './chunk-writer.ts';
import { RtmpError } from './errors.ts';
import { MessageType, type RtmpMessage, readControlU32 } from './message.ts';

export interface ChunkReaderLimits {
  /** Largest message length a header may announce. */
  readonly maxMessageBytes: number;
  /** Distinct chunk stream ids one peer may use; encoders use a handful. */
  readonly maxChunkStreams: number;
  /**
   * Bytes held for partly received messages across all chunk streams. Each message gets one buffer of its announced
   * length when its first chunk arrives, and that whole length counts here: this is the memory held, exactly.
   */
  readonly maxPendingBytes: number;
}

/**
 * The smallest Set Chunk Size we accept. Every encoder sends 128 (the default) or more; smaller sizes only multiply
 * header parsing per payload byte.
 */
export const MIN_CHUNK_SIZE = 128;

export const DEFAULT_CHUNK_READER_LIMITS: ChunkReaderLimits = {
  maxMessageBytes: 8 * 1024 * 1024,
  maxChunkStreams: 64,
  maxPendingBytes: 16 * 1024 * 1024,
};

const EXTENDED = 0xffffff;

/** What a chunk stream remembers from previous headers (RTMP 1.0 §5.3.1.2). */
interface ChunkStream {
  timestamp: number;
  /** Applied by a type 3 header that starts a new message; after a type 0 it is the type 0 timestamp (§5.3.1.2.4). */
  delta: number;
  length: number;
  typeId: number;
  streamId: number;
  /** The last type 0-2 header carried an extended timestamp, so type 3 chunks carry one too. */
  extended: boolean;
  /** The message being received, allocated at its announced length by its first chunk; empty between messages. */
  payload: Uint8Array;
  received: number;
}

const EMPTY = new Uint8Array(0);

/**
 * Reassembles RTMP messages from a chunk stream (after the handshake). Set Chunk Size and Abort take effect inside
 * the reader, at the exact byte where the next chunk starts; they are still returned so the caller sees them.
 */
export class ChunkReader {
  readonly #queue = new ByteQueue();
  readonly #streams = new Map<number, ChunkStream>();
  #limits: ChunkReaderLimits;
  #chunkSize = 128;
  #pendingBytes = 0;

  constructor(limits: Partial<ChunkReaderLimits> = {}) {
    this.#limits = { ...DEFAULT_CHUNK_READER_LIMITS, ...limits };
  }

  get chunkSize(): number {
    return this.#chunkSize;
  }

  /** Bytes allocated for partly received messages right now. */
  get pendingBytes(): number {
    return this.#pendingBytes;
  }

  /** Bytes received and not yet parsed (at most one chunk header and payload). */
  get bufferedBytes(): number {
    return this.#queue.length;
  }

  /** Changes limits from the next chunk on (e.g. raised once a publisher is trusted); messages in flight stay. */
  setLimits(limits: Partial<ChunkReaderLimits>): void {
    this.#limits = { ...this.#limits, ...limits };
  }

  /** Throws RtmpError on a protocol violation; the reader is then unusable. */
  push(bytes: Uint8Array): RtmpMessage[] {
    this.#queue.push(bytes);
    const out: RtmpMessage[] = [];
    for (;;) {
      const result = this.#readChunk();
      if (result === 'need-more') return out;
      if (result !== 'partial') out.push(result);
    }
  }

  #readChunk(): RtmpMessage | 'need-more' | 'partial' {
    const q = this.#queue;
    if (q.length < 1) return 'need-more';
    const b0 = q.byteAt(0);
    const fmt = b0 >>> 6;
    let chunkStreamId = b0 & 0x3f;
    let at = 1;
    if (chunkStreamId === 0) {
      if (q.length < 2) return 'need-more';
      chunkStreamId = 64 + q.byteAt(1);
      at = 2;
    } else if (chunkStreamId === 1) {
      if (q.length < 3) return 'need-more';
      chunkStreamId = 64 + q.byteAt(1) + q.byteAt(2) * 256;
      at = 3;
    }
    const headerBytes = [11, 7, 3, 0][fmt]!;
    if (q.length < at + headerBytes) return 'need-more';
    const u24 = (o: number) => (q.byteAt(o) << 16) | (q.byteAt(o + 1) << 8) | q.byteAt(o + 2);

    let stream = this.#streams.get(chunkStreamId);
    if (stream === undefined) {
      if (fmt !== 0) {
        throw new RtmpError(
          'CHUNK_HEADER_INVALID',
          `chunk stream ${chunkStreamId} starts with a type ${fmt} header; the first must be type 0`,
        );
      }
      if (this.#streams.size >= this.#limits.maxChunkStreams) {
        throw new RtmpError('TOO_MANY_CHUNK_STREAMS', `more than ${this.#limits.maxChunkStreams} chunk streams`);
      }
    } else if (fmt !== 3 && stream.received > 0) {
      throw new RtmpError(
        'CHUNK_HEADER_INVALID',
        `chunk stream ${chunkStreamId} got a type ${fmt} header in the middle of a message`,
      );
    }

    let timestampField = 0;
    let length = stream?.length ?? 0;
    let typeId = stream?.typeId ?? 0;
    let streamId = stream?.streamId ?? 0;
    if (fmt <= 2) timestampField = u24(at);
    if (fmt <= 1) {
      length = u24(at + 3);
      typeId = q.byteAt(at + 6);
    }
    if (fmt === 0) {
      streamId =
        (q.byteAt(at + 7) | (q.byteAt(at + 8) << 8) | (q.byteAt(at + 9) << 16) | (q.byteAt(at + 10) << 24)) >>> 0;
    }
    at += headerBytes;

    const extended = fmt <= 2 ? timestampField === EXTENDED : (stream?.extended ?? false);
    if (extended) {
      if (q.length < at + 4) return 'need-more';
      const ext = ((q.byteAt(at) << 24) | (q.byteAt(at + 1) << 16) | (q.byteAt(at + 2) << 8) | q.byteAt(at + 3)) >>> 0;
      if (fmt <= 2) timestampField = ext;
      at += 4;
    }

    if (length > this.#limits.maxMessageBytes) {
      throw new RtmpError(
        'MESSAGE_TOO_LARGE',
        `message of ${length} bytes on chunk stream ${chunkStreamId} exceeds the ${this.#limits.maxMessageBytes} byte limit`,
      );
    }
    const received = stream?.received ?? 0;
    // A new message will hold its whole announced length: check before waiting for its bytes.
    if (received === 0 && this.#pendingBytes + length > this.#limits.maxPendingBytes) {
      throw new RtmpError(
        'PENDING_BYTES_EXCEEDED',
        `a message of ${length} bytes on chunk stream ${chunkStreamId} would put more than ` +
          `${this.#limits.maxPendingBytes} bytes in partly received messages`,
      );
    }
    const pieceBytes = Math.min(this.#chunkSize, length - received);
    if (q.length < at + pieceBytes) return 'need-more';

    // The whole chunk is here: commit the header.
    q.skip(at);
    if (stream === undefined) {
      stream = { timestamp: 0, delta: 0, length, typeId, streamId, extended, payload: EMPTY, received: 0 };
      this.#streams.set(chunkStreamId, stream);
    }
    if (received === 0) {
      if (fmt === 0) {
        stream.timestamp = timestampField;
        stream.delta = timestampField;
      } else if (fmt === 3) {
        stream.timestamp = (stream.timestamp + stream.delta) >>> 0;
      } else {
        stream.delta = timestampField;
        stream.timestamp = (stream.timestamp + timestampField) >>> 0;
      }
    }
    if (fmt <= 2) stream.extended = extended;
    stream.length = length;
    stream.typeId = typeId;
    stream.streamId = streamId;

    if (received === 0) {
      // Always a fresh buffer: the payload must not alias socket buffers that callers might keep alive.
      stream.payload = length === 0 ? EMPTY : new Uint8Array(length);
      this.#pendingBytes += length;
    }
    q.readInto(stream.payload, received, pieceBytes);
    stream.received += pieceBytes;
    if (stream.received < stream.length) return 'partial';

    const payload = stream.payload;
    this.#pendingBytes -= stream.length;
    stream.payload = EMPTY;
    stream.received = 0;
    const message: RtmpMessage = { chunkStreamId, timestamp: stream.timestamp, typeId, streamId, payload };
    this.#applyControl(message);
    return message;
  }

  #applyControl(message: RtmpMessage): void {
    if (message.typeId === MessageType.SetChunkSize) {
      const size = readControlU32(message.payload);
      if (size === undefined || size < MIN_CHUNK_SIZE || size > MAX_CHUNK_SIZE) {
        throw new RtmpError(
          'CHUNK_SIZE_INVALID',
          `Set Chunk Size ${size ?? '(truncated)'} is outside ${MIN_CHUNK_SIZE}..${MAX_CHUNK_SIZE}; ` +
            `encoders send ${MIN_CHUNK_SIZE} or more`,
        );
      }
      this.#chunkSize = size;
    } else if (message.typeId === MessageType.Abort) {
      const id = readControlU32(message.payload);
      const stream = id === undefined ? undefined : this.#streams.get(id);
      if (stream !== undefined && stream.received > 0) {
        this.#pendingBytes -= stream.payload.length;
        stream.payload = EMPTY;
        stream.received = 0;
      }
    }
  }
}
