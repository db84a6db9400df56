/** Test helper: the client side of RTMP built from our own writer/reader, for byte-level and socket tests. */
import type { AmfValue } from '../src/protocols/rtmp/amf0.ts';
import { ChunkReader } from '../src/protocols/rtmp/chunk-reader.ts';
import { ChunkWriter } from '../src/protocols/rtmp/chunk-writer.ts';
import { commandMessage, decodeCommand, type RtmpCommand } from '../src/protocols/rtmp/command.ts';
import { RtmpError } from '../src/protocols/rtmp/errors.ts';
import { MessageType, type RtmpMessage } from '../src/protocols/rtmp/message.ts';

const HANDSHAKE_REPLY_BYTES = 1 + 2 * 1536;

export class TestRtmpClient {
  readonly writer = new ChunkWriter();
  readonly #reader = new ChunkReader();
  #handshakeLeft = HANDSHAKE_REPLY_BYTES;

  /** C0 + C1 + C2 at once; a server may read C2 before sending S2, the simple handshake allows it. */
  handshake(): Uint8Array {
    return Uint8Array.of(3, ...new Uint8Array(1536), ...new Uint8Array(1536));
  }

  command(
    name: string,
    transactionId: number,
    commandObject: AmfValue,
    args: AmfValue[] = [],
    streamId = 0,
  ): Uint8Array {
    return this.writer.write(commandMessage(streamId, name, transactionId, commandObject, ...args));
  }

  connect(app = 'live', extra: Record<string, AmfValue> = {}): Uint8Array {
    return this.command('connect', 1, { app, type: 'nonprivate', tcUrl: `rtmp://127.0.0.1/${app}`, ...extra });
  }

  /** connect + createStream + publish, as ffmpeg orders them. */
  publishSequence(streamKey: string): Uint8Array {
    return Buffer.concat([
      this.connect(),
      this.command('releaseStream', 2, null, [streamKey]),
      this.command('FCPublish', 3, null, [streamKey]),
      this.command('createStream', 4, null),
      this.command('publish', 5, null, [streamKey, 'live'], 1),
    ]);
  }

  media(typeId: 8 | 9 | 18, timestampMs: number, body: Uint8Array, streamId = 1): Uint8Array {
    return this.writer.write({
      chunkStreamId: typeId === 8 ? 4 : 6,
      timestamp: timestampMs,
      typeId,
      streamId,
      payload: body,
    });
  }

  /** Server bytes in, server messages out (handshake reply skipped). */
  read(bytes: Uint8Array): RtmpMessage[] {
    const skip = Math.min(this.#handshakeLeft, bytes.length);
    this.#handshakeLeft -= skip;
    return this.#reader.push(bytes.subarray(skip));
  }
}

export function commandsOf(messages: readonly RtmpMessage[]): RtmpCommand[] {
  return messages.filter((m) => m.typeId === MessageType.CommandAmf0).map(decodeCommand);
}

/** The code of the RtmpError `fn` throws; fails the test on any other outcome (a RangeError above all). */
export function rtmpErrorCode(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof RtmpError) return error.code;
    throw error;
  }
  throw new Error('expected an RtmpError, nothing was thrown');
}

/** Hex text (whitespace ignored) to bytes, and back. */
export const fromHex = (h: string) => Uint8Array.from(Buffer.from(h.replace(/\s+/g, ''), 'hex'));
export const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');
