import { codec } from '@glint/media-core';
import {
  amfProperties,
  ChunkReader,
  type ChunkReaderLimits,
  ChunkWriter,
  DEFAULT_BEFORE_PUBLISH_LIMITS,
  DEFAULT_CHUNK_READER_LIMITS,
  decodeAmf0,
  decodeAmf0Value,
  encodeAmf0,
  FlvError,
  FlvMediaReader,
  MessageType,
  onMetaDataOf,
  type RtmpConnectionEvent,
  RtmpError,
  type RtmpMessage,
  RtmpServerConnection,
} from '@glint/media-server/test-support/fuzz-targets';
import { socketReads } from '../framing.ts';
import { generateAmf0 } from '../generators/amf0.ts';
import { generateRtmpChunks } from '../generators/rtmp.ts';
import { hashBytes } from '../random.ts';
import { checkMediaEvent, flvLimitsFor } from './media-events.ts';
import { bucket, errorCode, type FuzzTarget, invariant, sameBytes } from './target.ts';

const RTMP = 'media-server/src/protocols/rtmp/';

interface ReadResult {
  readonly messages: RtmpMessage[];
  readonly error?: unknown;
}

/**
 * The limits a connection reads with before a publish is accepted (64 KiB), the defaults after (8 MiB messages,
 * allocated whole at their first chunk, which makes these inputs slow), or tight ones that small inputs can reach:
 * chosen by the input, so that a replay is the same.
 */
function limitsFor(input: Uint8Array): Partial<ChunkReaderLimits> {
  const pick = hashBytes(input) % 8;
  if (pick === 0) return {};
  if (pick === 1) return { maxMessageBytes: 4096, maxPendingBytes: 6000, maxChunkStreams: 3 };
  return { maxMessageBytes: 64 * 1024, maxPendingBytes: 64 * 1024 };
}

function readChunks(
  reads: readonly Uint8Array[],
  limits: Partial<ChunkReaderLimits>,
): ReadResult & { readonly chunkSize: number } {
  const reader = new ChunkReader(limits);
  const { maxMessageBytes, maxPendingBytes } = { ...DEFAULT_CHUNK_READER_LIMITS, ...limits };
  const messages: RtmpMessage[] = [];
  try {
    for (const read of reads) {
      messages.push(...reader.push(read));
      // What a peer can make the reader hold: partial messages up to the pending limit, and unparsed bytes of at most
      // one chunk (a basic header of 3, a message header of 11, an extended timestamp of 4, a piece of a message).
      invariant(reader.pendingBytes <= maxPendingBytes, `${reader.pendingBytes} bytes held in partial messages`);
      invariant(reader.bufferedBytes <= 18 + maxMessageBytes, `${reader.bufferedBytes} unparsed bytes held`);
    }
  } catch (error) {
    return { messages, error, chunkSize: reader.chunkSize };
  }
  return { messages, chunkSize: reader.chunkSize };
}

function sameMessages(a: readonly RtmpMessage[], b: readonly RtmpMessage[]): boolean {
  return (
    a.length === b.length &&
    a.every((m, i) => {
      const o = b[i]!;
      return (
        m.chunkStreamId === o.chunkStreamId &&
        m.timestamp === o.timestamp &&
        m.typeId === o.typeId &&
        m.streamId === o.streamId &&
        sameBytes(m.payload, o.payload)
      );
    })
  );
}

/** Messages written back with the server's ChunkWriter (following Set Chunk Size as a peer would) read the same. */
function checkRoundTrip(messages: readonly RtmpMessage[], limits: Partial<ChunkReaderLimits>): void {
  const writer = new ChunkWriter();
  const bytes: Uint8Array[] = [];
  for (const m of messages) {
    bytes.push(writer.write(m));
    if (m.typeId === MessageType.SetChunkSize)
      writer.setChunkSize(new DataView(m.payload.buffer, m.payload.byteOffset).getUint32(0));
  }
  const again = readChunks(bytes, limits);
  invariant(again.error === undefined, `ChunkWriter output does not read back: ${errorCode(again.error)}`);
  invariant(sameMessages(again.messages, messages), 'messages change when written with ChunkWriter and read again');
}

/**
 * The chunk reader on the input as socket reads, and whole: both must give the same messages (or the same error),
 * and what it read must survive the writer. The socket reads' error, if any, is the outcome.
 */
export const rtmpChunks: FuzzTarget = {
  name: 'rtmp-chunks',
  description: 'ChunkReader.push (chunks → messages): split reads = one read; ChunkWriter round trip',
  sources: [`${RTMP}chunk-reader.ts`, `${RTMP}byte-queue.ts`, `${RTMP}chunk-writer.ts`],
  typedErrors: [RtmpError],
  generate: generateRtmpChunks,
  run(input) {
    const reads = socketReads(input);
    const limits = limitsFor(input);
    const split = readChunks(reads, limits);
    if (reads.length > 1) {
      const whole = readChunks([input], limits);
      invariant(
        errorCode(whole.error) === errorCode(split.error),
        `one read ends in ${errorCode(whole.error)}, ${reads.length} reads in ${errorCode(split.error)}`,
      );
      if (split.error === undefined)
        invariant(sameMessages(split.messages, whole.messages), 'messages depend on how reads are cut');
    }
    if (split.error !== undefined) throw split.error;
    checkRoundTrip(split.messages, limits);
    const types = [...new Set(split.messages.map((m) => m.typeId))].sort((a, b) => a - b);
    return `${bucket(split.messages.length)}:${types.join(',')}:${split.chunkSize}`;
  },
};

/** decode → encode → decode → encode: the two encodings must be the same bytes (values survive a round trip). */
export const amf0: FuzzTarget = {
  name: 'amf0',
  description: 'decodeAmf0, then encodeAmf0 round trip must be stable; onMetaData lookup',
  sources: [`${RTMP}amf0.ts`],
  typedErrors: [RtmpError],
  generate: generateAmf0,
  run(input) {
    const values = decodeAmf0(input);
    if (input.length > 0) decodeAmf0Value(input, hashBytes(input) % input.length);
    const once = encodeAmf0(...values);
    const twice = encodeAmf0(...decodeAmf0(once));
    invariant(sameBytes(once, twice), 'AMF0 values change when encoded and decoded again');
    const metadata = onMetaDataOf(values);
    const kinds = values.map((v) => (v === null ? 'null' : amfProperties(v) ? 'obj' : typeof v)).join(',');
    return `${bucket(values.length)}:${kinds.slice(0, 40)}:${metadata === undefined ? '' : 'meta'}`;
  },
};

/** C0 + C1 + C2 of the simple handshake; the target feeds it before every input. */
const HANDSHAKE = Uint8Array.of(3, ...new Uint8Array(1536), ...new Uint8Array(1536));

/**
 * The server side of one connection, as servers/rtmp.ts drives it: every publish is accepted at once, and media goes
 * through FlvMediaReader, so commands, state changes, limits and the FLV path all see the bytes.
 */
export const rtmpConnection: FuzzTarget = {
  name: 'rtmp-connection',
  description: 'RtmpServerConnection.push after a valid handshake; accepted media through FlvMediaReader',
  sources: [
    `${RTMP}connection.ts`,
    `${RTMP}command.ts`,
    `${RTMP}chunk-reader.ts`,
    'media-server/src/protocols/flv/flv-media-reader.ts',
  ],
  typedErrors: [RtmpError, FlvError, codec.CodecError],
  generate: generateRtmpChunks,
  run(input) {
    const connection = new RtmpServerConnection({
      apps: ['live'],
      handshake: { timeMs: () => 0, randomBytes: (n) => new Uint8Array(n) },
    });
    const toStream = new FlvMediaReader(flvLimitsFor(input));
    const seen = new Set<string>();
    let accepted = false;
    const handle = (events: readonly RtmpConnectionEvent[]): void => {
      for (const event of events) {
        if (event.type === 'send') continue;
        invariant(!seen.has('refused'), `a ${event.type} event after the connection refused its peer`);
        seen.add(event.type === 'refused' ? 'refused' : event.type);
        if (event.type === 'refused') seen.add(`refused-${event.code}`);
        // Nothing of a stream reaches the server before its publish is accepted (the stream key is checked).
        const delivers = event.type === 'media' || event.type === 'metadata';
        invariant(!delivers || accepted, `a ${event.type} event before the publish was accepted`);
        if (event.type === 'publish-request') {
          accepted = true;
          handle(connection.acceptPublish());
        }
        if (event.type === 'media') {
          const media =
            event.kind === 'video'
              ? toStream.video(event.body, event.timestampMs)
              : toStream.audio(event.body, event.timestampMs);
          seen.add(checkMediaEvent(media));
        }
      }
    };
    handle(connection.push(HANDSHAKE));
    invariant(connection.state === 'await-connect', `state ${connection.state} after a complete handshake`);
    for (const read of socketReads(input)) {
      handle(connection.push(read));
      if (connection.state !== 'publishing' && connection.state !== 'unpublished') {
        // Before a publish is accepted, an anonymous peer gets a few commands' worth of memory and no more.
        const { maxMessageBytes, maxPendingBytes } = DEFAULT_BEFORE_PUBLISH_LIMITS;
        const bound = 18 + maxMessageBytes + maxPendingBytes;
        invariant(connection.heldBytes <= bound, `${connection.heldBytes} bytes held before a publish`);
      }
    }
    return `${connection.state}:${[...seen].sort().join(',')}`;
  },
};
