import { describe, expect, it } from 'vitest';
import { concat, u32be } from './bytes.ts';
import { ChunkReader, MessageType, type RtmpMessage, writeChunks } from './rtmp-chunks.ts';

const video = (timestamp: number, size: number): RtmpMessage => ({
  chunkStreamId: 6,
  timestamp,
  typeId: MessageType.Video,
  streamId: 1,
  payload: Uint8Array.from({ length: size }, (_, i) => i & 0xff),
});

describe('rtmp chunks', () => {
  it('writes a type 0 header, then type 3 continuations every chunk size', () => {
    const bytes = writeChunks(video(0x010203, 300), 128);
    expect([...bytes.subarray(0, 12)]).toEqual([6, 1, 2, 3, 0, 1, 44, 9, 1, 0, 0, 0]);
    expect(bytes[12 + 128]).toBe(0xc6);
    expect(bytes[12 + 128 + 1 + 128]).toBe(0xc6);
    expect(bytes.length).toBe(12 + 300 + 2);
  });

  it('reads back messages from any slicing, following a chunk size change and extended timestamps', () => {
    const setChunkSize = { chunkStreamId: 2, timestamp: 0, typeId: MessageType.SetChunkSize, streamId: 0 };
    const messages = [video(40, 200), { ...setChunkSize, payload: u32be(4096) }, video(0x1234567, 9000), video(7, 0)];
    const bytes = concat(
      writeChunks(messages[0]!, 128),
      writeChunks(messages[1]!, 128),
      writeChunks(messages[2]!, 4096),
      writeChunks(messages[3]!, 4096),
    );
    for (const slice of [1, 7, 4096, bytes.length]) {
      const reader = new ChunkReader();
      const out: RtmpMessage[] = [];
      for (let at = 0; at < bytes.length; at += slice) out.push(...reader.push(bytes.slice(at, at + slice)));
      expect(out).toEqual(messages);
    }
  });

  it('refuses a continuation that opens a chunk stream', () => {
    expect(() => new ChunkReader().push(Uint8Array.of(0xc5, 0))).toThrow(/opens chunk stream 5/);
  });
});
