import { describe, expect, it } from 'vitest';
import { encodeAmf0 } from '../rtmp/amf0.ts';
import { FlvDemuxer } from './demuxer.ts';
import { FlvError } from './errors.ts';

const HEADER = [0x46, 0x4c, 0x56, 1, 0x05, 0, 0, 0, 9, 0, 0, 0, 0];

function tag(type: number, timestampMs: number, body: number[]): number[] {
  const n = body.length;
  const ts = timestampMs >>> 0;
  const prev = 11 + n;
  return [
    type,
    n >> 16,
    (n >> 8) & 0xff,
    n & 0xff,
    (ts >> 16) & 0xff,
    (ts >> 8) & 0xff,
    ts & 0xff,
    ts >>> 24,
    0,
    0,
    0,
    ...body,
    prev >>> 24,
    (prev >> 16) & 0xff,
    (prev >> 8) & 0xff,
    prev & 0xff,
  ];
}

describe('FlvDemuxer', () => {
  it('gives each tag a copy of its body, also when fed a large Buffer (whose slice() is a view)', () => {
    const body = [0x17, 0, 0, 0, 0, 0xff, ...new Array(8192).fill(1)];
    const input = Buffer.from([...HEADER, ...tag(9, 0, body)]);
    const [video] = new FlvDemuxer().push(input);
    video!.data[5] = 0xfc;
    expect(input[HEADER.length + 11 + 5]).toBe(0xff);
    expect(Buffer.isBuffer(video!.data)).toBe(false);
  });

  it('reads the header and tags with 32-bit timestamps, one byte at a time', () => {
    const bytes = [...HEADER, ...tag(9, 0x01020304, [0x17, 2, 0, 0, 0]), ...tag(8, 5, [0xaf, 1, 9]), ...tag(7, 6, [1])];
    const demuxer = new FlvDemuxer();
    const tags = bytes.flatMap((b) => demuxer.push(Uint8Array.of(b)));
    expect(demuxer.header).toEqual({ version: 1, hasAudio: true, hasVideo: true });
    expect(tags).toEqual([
      { type: 'video', timestampMs: 0x01020304, data: Uint8Array.from([0x17, 2, 0, 0, 0]) },
      { type: 'audio', timestampMs: 5, data: Uint8Array.from([0xaf, 1, 9]) },
    ]);
  });

  it('skips extra header bytes announced by DataOffset', () => {
    const header = [0x46, 0x4c, 0x56, 1, 0x01, 0, 0, 0, 12, 0xaa, 0xbb, 0xcc, 0, 0, 0, 0];
    const script = [...encodeAmf0('onMetaData', { duration: 2 })];
    const tags = new FlvDemuxer().push(Uint8Array.from([...header, ...tag(18, 0, script)]));
    expect(tags).toEqual([{ type: 'script', timestampMs: 0, data: Uint8Array.from(script) }]);
  });

  it('refuses a stream without the FLV signature and encrypted tags', () => {
    expect(() => new FlvDemuxer().push(Uint8Array.from([0x47, 0x4c, 0x56, 1, 5, 0, 0, 0, 9]))).toThrowError(
      expect.objectContaining({ code: 'INVALID_FILE_HEADER' }),
    );
    const encrypted = Uint8Array.from([...HEADER, ...tag(0x28, 0, [1])]);
    expect(() => new FlvDemuxer().push(encrypted)).toThrow(FlvError);
  });
});
