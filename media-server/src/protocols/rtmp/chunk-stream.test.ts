import { describe, expect, it } from 'vitest';
import { fromHex as bytes, toHex as hex, rtmpErrorCode } from '../../../test/rtmp-test-client.ts';
import { ChunkReader } from './chunk-reader.ts';
import { ChunkWriter } from './chunk-writer.ts';
import { RtmpError } from './errors.ts';
import { type RtmpMessage, setChunkSizeMessage } from './message.ts';

function message(chunkStreamId: number, timestamp: number, typeId: number, streamId: number, n: number): RtmpMessage {
  return { chunkStreamId, timestamp, typeId, streamId, payload: Uint8Array.from({ length: n }, (_, i) => i & 0xff) };
}

describe('ChunkWriter', () => {
  it('writes a type 0 header and type 3 continuations', () => {
    const w = new ChunkWriter();
    const out = w.write(message(3, 0x010203, 20, 1, 130));
    // fmt0 csid3 | ts 010203 | len 000082 | type 14 | stream id 1 (LE) | 128 bytes | fmt3 csid3 | 2 bytes
    expect(hex(out.subarray(0, 12))).toBe('030102030000821401000000');
    expect(out[12 + 128]).toBe(0xc3);
    expect(out.length).toBe(12 + 130 + 1);
  });

  it('encodes 2- and 3-byte basic headers', () => {
    const w = new ChunkWriter();
    expect(hex(w.write(message(64, 0, 8, 0, 0)).subarray(0, 2))).toBe('0000');
    expect(hex(w.write(message(320, 0, 8, 0, 0)).subarray(0, 3))).toBe('010001');
    expect(() => w.write(message(1, 0, 8, 0, 0))).toThrow(RtmpError);
  });

  it('repeats the extended timestamp on type 3 chunks', () => {
    const w = new ChunkWriter();
    const out = w.write(message(4, 0x12345678, 9, 1, 200));
    expect(hex(out.subarray(0, 16))).toBe('04ffffff0000c8090100000012345678');
    expect(hex(out.subarray(16 + 128, 16 + 128 + 5))).toBe('c412345678');
  });
});

describe('ChunkReader', () => {
  it('reads what the writer writes, in any read sizes, across chunk size changes', () => {
    const w = new ChunkWriter();
    const messages = [
      message(3, 0, 20, 0, 300),
      setChunkSizeMessage(1000),
      message(4, 0xffffff + 5, 9, 1, 2500), // extended timestamp on every chunk
      message(65599, 7, 8, 1, 1),
      message(5, 40, 18, 1, 0),
    ];
    const stream: Uint8Array[] = [];
    for (const m of messages) {
      stream.push(w.write(m));
      if (m.typeId === 1) w.setChunkSize(1000);
    }
    const all = Buffer.concat(stream);
    for (const step of [1, 3, 17, all.length]) {
      const r = new ChunkReader();
      const got: RtmpMessage[] = [];
      for (let at = 0; at < all.length; at += step) got.push(...r.push(all.subarray(at, at + step)));
      expect(got).toEqual(messages);
      expect(r.chunkSize).toBe(1000);
    }
  });

  it('applies type 1, 2 and 3 headers per RTMP 1.0 §5.3.1.2.4 (deltas, reuse, interleaving)', () => {
    const r = new ChunkReader();
    const got = r.push(
      bytes(`
        04 000064 000002 08 01000000 aaaa
        05 000000 000001 09 01000000 01
        44 00000a 000002 08 bbbb
        84 000005 cccc
        c4 dddd
        c5 02
      `),
    );
    expect(got.map((m) => [m.chunkStreamId, m.timestamp, m.typeId, m.streamId, hex(m.payload)])).toEqual([
      [4, 100, 8, 1, 'aaaa'],
      [5, 0, 9, 1, '01'],
      [4, 110, 8, 1, 'bbbb'],
      [4, 115, 8, 1, 'cccc'],
      [4, 120, 8, 1, 'dddd'], // type 3 reuses the last delta
      [5, 0, 9, 1, '02'], // after type 0, the "delta" is the type 0 timestamp, here 0
    ]);
  });

  it('splits messages across chunks of different streams interleaved', () => {
    const r = new ChunkReader();
    const big = 'ab'.repeat(128);
    const got = r.push(
      bytes(`04 000000 000082 09 01000000 ${big}
             05 000000 000001 08 01000000 77
             c4 cdcd`),
    );
    expect(got.map((m) => [m.chunkStreamId, m.payload.length])).toEqual([
      [5, 1],
      [4, 130],
    ]);
  });

  it('reads the extended timestamp on type 3 chunks that continue or start a message', () => {
    const r = new ChunkReader();
    const [a, b, c, d] = ['aa'.repeat(128), 'bbbb', 'cc'.repeat(128), 'dddd'];
    const got = r.push(
      bytes(`04 ffffff 000082 09 01000000 01000000 ${a} c4 01000000 ${b} c4 01000000 ${c} c4 01000000 ${d}`),
    );
    expect(got.map((m) => [m.timestamp, hex(m.payload)])).toEqual([
      [0x01000000, a + b],
      [0x02000000, c + d],
    ]);
  });

  it('discards a partial message on Abort', () => {
    const r = new ChunkReader();
    const got = r.push(
      bytes(
        `04 000000 000082 09 01000000 ${'00'.repeat(128)} 02 000000 000004 02 00000000 00000004 04 000000 000001 09 01000000 07`,
      ),
    );
    expect(got.map((m) => [m.typeId, m.payload.length])).toEqual([
      [2, 4],
      [9, 1],
    ]);
  });

  it.each([
    ['a message larger than the limit', '03 000000 ffffff 14 00000000', 'MESSAGE_TOO_LARGE'],
    ['chunk size 0', '02 000000 000004 01 00000000 00000000', 'CHUNK_SIZE_INVALID'],
    ['chunk size 1', '02 000000 000004 01 00000000 00000001', 'CHUNK_SIZE_INVALID'],
    ['chunk size 127', '02 000000 000004 01 00000000 0000007f', 'CHUNK_SIZE_INVALID'],
    ['chunk size with the top bit set', '02 000000 000004 01 00000000 80000000', 'CHUNK_SIZE_INVALID'],
    ['a truncated Set Chunk Size', '02 000000 000002 01 00000000 0010', 'CHUNK_SIZE_INVALID'],
    ['a first chunk of type 1', '43 000000 000001 14 00', 'CHUNK_HEADER_INVALID'],
    ['a first chunk of type 3', 'c3 00', 'CHUNK_HEADER_INVALID'],
    [
      'a new header mid-message',
      `03 000000 000100 14 00000000 ${'00'.repeat(128)} 43 000000 000001 14 00`,
      'CHUNK_HEADER_INVALID',
    ],
  ])('refuses %s', (_name, h, code) => {
    expect(rtmpErrorCode(() => new ChunkReader().push(bytes(h)))).toBe(code);
  });

  it('accepts chunk size 128, the smallest any encoder sends', () => {
    const r = new ChunkReader();
    r.push(bytes('02 000000 000004 01 00000000 00000080'));
    expect(r.chunkSize).toBe(128);
  });

  it('holds a partly received message in one buffer of its length, counted whole from its first chunk', () => {
    const w = new ChunkWriter();
    const m = message(4, 0, 9, 1, 10_000);
    const all = w.write(m);
    const r = new ChunkReader({ maxMessageBytes: 10_000, maxPendingBytes: 10_000 });
    expect(r.push(all.subarray(0, 12 + 128))).toEqual([]);
    expect(r.pendingBytes).toBe(10_000);
    expect(r.bufferedBytes).toBe(0);
    expect(r.push(all.subarray(12 + 128))).toEqual([m]);
    expect(r.pendingBytes).toBe(0);
    // A second message on another chunk stream would need more than the limit while the first is in flight.
    r.push(all.subarray(0, 12 + 128));
    const other = new ChunkWriter().write(message(5, 0, 8, 1, 1));
    expect(rtmpErrorCode(() => r.push(other))).toBe('PENDING_BYTES_EXCEEDED');
  });

  it('raises its limits when told, for the messages that follow', () => {
    const r = new ChunkReader({ maxMessageBytes: 1000 });
    const big = new ChunkWriter().write(message(4, 0, 9, 1, 5000));
    expect(rtmpErrorCode(() => r.push(big))).toBe('MESSAGE_TOO_LARGE');
    const raised = new ChunkReader({ maxMessageBytes: 1000 });
    raised.setLimits({ maxMessageBytes: 5000, maxPendingBytes: 10_000 });
    expect(raised.push(big).map((m) => m.payload.length)).toEqual([5000]);
  });

  it('refuses too many chunk streams and too many pending bytes', () => {
    const r = new ChunkReader({ maxChunkStreams: 3 });
    const headers = [3, 4, 5, 6].map((id) => `${id.toString(16).padStart(2, '0')} 000000 000001 08 00000000 00`);
    expect(rtmpErrorCode(() => r.push(bytes(headers.join(''))))).toBe('TOO_MANY_CHUNK_STREAMS');

    const p = new ChunkReader({ maxMessageBytes: 1000, maxPendingBytes: 300 });
    const partial = [3, 4, 5].map((id) => `0${id} 000000 0003e8 08 00000000 ${'00'.repeat(128)}`).join('');
    expect(rtmpErrorCode(() => p.push(bytes(partial)))).toBe('PENDING_BYTES_EXCEEDED');
  });

  it('does not allocate for a huge announced message before its bytes arrive', () => {
    const r = new ChunkReader({ maxMessageBytes: 8 * 1024 * 1024 });
    const before = process.memoryUsage().arrayBuffers;
    r.push(bytes('03 000000 7fffff 09 00000000 00'));
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(1024 * 1024);
  });
});
