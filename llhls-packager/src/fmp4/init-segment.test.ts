import { describe, expect, it } from 'vitest';
import { findBox, fromHex, type ParsedBox, readBoxes, toHex } from '../../test/box-reader.ts';
import { readWithMp4box } from '../../test/mp4box-reader.ts';
import { BoxWriter } from './box-writer.ts';
import { Fmp4Error } from './errors.ts';
import { writeInitSegment } from './init-segment.ts';
import { writeAvcC, writeDOps, writeEsds } from './sample-entry.ts';
import type { InitTrack } from './types.ts';

/** SPS and PPS from x264 (High, level 3.1, 1280x720); the SPS contains an emulation prevention byte. */
const SPS = fromHex('6764001facd9405005bb0110000003001000000303c0f1831960');
const PPS = fromHex('68ebe3cb22c0');

const VIDEO: InitTrack = {
  trackId: 1,
  kind: 'video',
  timescale: 90000,
  width: 1280,
  height: 720,
  sps: [SPS],
  pps: [PPS],
};
const AAC: InitTrack = {
  trackId: 2,
  kind: 'audio',
  codec: 'aac',
  timescale: 44100,
  asc: Uint8Array.of(0x12, 0x10),
  channels: 2,
  sampleRate: 44100,
};
const OPUS: InitTrack = {
  trackId: 3,
  kind: 'audio',
  codec: 'opus',
  timescale: 48000,
  channels: 2,
  preSkip: 312,
  inputSampleRate: 48000,
};

function written(write: (w: BoxWriter) => void): string {
  const w = new BoxWriter(16, true);
  write(w);
  return toHex(w.finish());
}

describe('codec configuration boxes, golden bytes', () => {
  it('avcC for a High profile SPS/PPS carries 4-byte lengths and the 4:2:0 8-bit extension', () => {
    const expected = `00000037 61766343 01 64 00 1f ff e1 001a ${toHex(SPS)} 01 0006 ${toHex(PPS)} fd f8 f8 00`;
    expect(written((w) => writeAvcC(w, [SPS], [PPS]))).toBe(expected.replace(/ /g, ''));
  });

  it('avcC for Baseline has no extension fields', () => {
    // x264 Constrained Baseline, level 3.0, 640x360: profile 66, constraint byte 0xc0, level 30.
    const sps = fromHex('6742c01ed900a02ff970110000030001000003003c0f162e48');
    const pps = fromHex('68cb83cb20');
    expect(written((w) => writeAvcC(w, [sps], [pps]))).toBe(
      `00000031 61766343 01 42 c0 1e ff e1 0019 ${toHex(sps)} 01 0005 ${toHex(pps)}`.replace(/ /g, ''),
    );
  });

  it('esds wraps the ASC in ES, DecoderConfig (0x40, audio) and SLConfig descriptors', () => {
    const expected =
      '00000027 65736473 00000000 03 19 0000 00 04 11 40 15 000000 00000000 00000000 05 02 1210 06 01 02';
    expect(written((w) => writeEsds(w, Uint8Array.of(0x12, 0x10)))).toBe(expected.replace(/ /g, ''));
  });

  it('esds uses a two-byte descriptor length once a payload passes 127 bytes', () => {
    const asc = new Uint8Array(200);
    const hex = written((w) => writeEsds(w, asc));
    // DecoderSpecificInfo 1+2+200 = 203; DecoderConfig payload 13+203 = 216 (0x81 0x58), size 219;
    // ES payload 3+219+3 = 225 = 1*128 + 97 (0x81 0x61).
    expect(hex.slice(24, 30)).toBe('038161');
    expect(hex).toContain(`048158 40 15`.replace(/ /g, ''));
    expect(hex).toContain(`058148${'00'.repeat(200)}060102`);
  });

  it('dOps is OpusHead big-endian: version, channels, pre-skip, input rate, gain, family', () => {
    expect(written((w) => writeDOps(w, OPUS as Extract<InitTrack, { codec: 'opus' }>))).toBe(
      '00000013 644f7073 00 02 0138 0000bb80 0000 00'.replace(/ /g, ''),
    );
  });

  it('dOps for 6 channels writes the mapping table', () => {
    const track = {
      ...(OPUS as Extract<InitTrack, { codec: 'opus' }>),
      channels: 6,
      channelMapping: { family: 1, streamCount: 4, coupledCount: 2, mapping: [0, 4, 1, 2, 3, 5] },
    };
    expect(written((w) => writeDOps(w, track))).toBe(
      '0000001b 644f7073 00 06 0138 0000bb80 0000 01 04 02 000401020305'.replace(/ /g, ''),
    );
    expect(() => written((w) => writeDOps(w, { ...track, channelMapping: undefined as never }))).toThrow(Fmp4Error);
  });
});

function u32(box: ParsedBox, offset: number): number {
  return new DataView(box.body.buffer, box.body.byteOffset).getUint32(offset);
}

describe('writeInitSegment structure', () => {
  const init = writeInitSegment([VIDEO, AAC, OPUS]);
  const boxes = readBoxes(init);
  const traks = findBox(boxes, 'moov').children.filter((b) => b.type === 'trak');

  it('is ftyp + moov with iso6/cmfc brands', () => {
    expect(boxes.map((b) => b.type)).toEqual(['ftyp', 'moov']);
    expect(String.fromCharCode(...findBox(boxes, 'ftyp').body)).toBe('iso6\0\0\0\0iso6cmfcisommp41');
  });

  it('has mvhd with next_track_ID past the largest id, and a trex per track', () => {
    expect(u32(findBox(boxes, 'moov', 'mvhd'), 96)).toBe(4);
    const trexes = findBox(boxes, 'moov', 'mvex').children;
    expect(trexes.map((t) => [t.type, u32(t, 4), u32(t, 8)])).toEqual([
      ['trex', 1, 1],
      ['trex', 2, 1],
      ['trex', 3, 1],
    ]);
  });

  it('writes tkhd flags 3, 16.16 size for video and full volume for audio', () => {
    expect(traks).toHaveLength(3);
    const tkhds = traks.map((t) => findBox(t.children, 'tkhd'));
    for (const [i, tkhd] of tkhds.entries()) {
      expect(u32(tkhd, 0)).toBe(3); // version 0, flags enabled | in_movie
      expect(u32(tkhd, 12)).toBe(i + 1);
    }
    expect([u32(tkhds[0]!, 76), u32(tkhds[0]!, 80)]).toEqual([1280 * 65536, 720 * 65536]);
    expect(tkhds[0]!.body[36]).toBe(0);
    expect(tkhds[1]!.body[36]).toBe(0x01); // volume 0x0100, high byte
    expect([u32(tkhds[1]!, 76), u32(tkhds[1]!, 80)]).toEqual([0, 0]);
  });

  it('writes mdhd timescale and language und, hdlr, media header and sample entry per kind', () => {
    const expected = [
      [90000, 'vide', 'vmhd', 'avc1', 'avcC'],
      [44100, 'soun', 'smhd', 'mp4a', 'esds'],
      [48000, 'soun', 'smhd', 'Opus', 'dOps'],
    ];
    traks.forEach((trak, i) => {
      const mdhd = findBox(trak.children, 'mdia', 'mdhd');
      const hdlr = findBox(trak.children, 'mdia', 'hdlr');
      const minf = findBox(trak.children, 'mdia', 'minf');
      const entry = findBox(minf.children, 'stbl', 'stsd').children[0]!;
      expect([
        u32(mdhd, 12),
        String.fromCharCode(...hdlr.body.subarray(8, 12)),
        minf.children[0]!.type,
        entry.type,
        entry.children[0]!.type,
      ]).toEqual(expected[i]);
      expect(toHex(mdhd.body.subarray(20, 22))).toBe('55c4');
      expect(toHex(findBox(minf.children, 'dinf', 'dref').bytes)).toBe(
        '0000001c6472656600000000000000010000000c75726c2000000001',
      );
      expect(findBox(minf.children, 'stbl').children.map((b) => b.type)).toEqual([
        'stsd',
        'stts',
        'stsc',
        'stco',
        'stsz',
      ]);
    });
  });

  it('is read by mp4box with the expected codecs, timescales and kinds', () => {
    const { info, errors } = readWithMp4box(init);
    expect(errors).toEqual([]);
    expect(info.isFragmented).toBe(true);
    expect(info.tracks.map((t) => [t.id, t.type, t.codec, t.timescale])).toEqual([
      [1, 'video', 'avc1.64001f', 90000],
      [2, 'audio', 'mp4a.40.2', 44100],
      [3, 'audio', 'Opus', 48000],
    ]);
    expect(info.videoTracks[0]!.video).toEqual({ width: 1280, height: 720 });
    expect(info.audioTracks.map((t) => [t.audio?.sample_rate, t.audio?.channel_count])).toEqual([
      [44100, 2],
      [48000, 2],
    ]);
  });
});

describe('writeInitSegment rejects bad tracks', () => {
  const cases: [string, InitTrack[]][] = [
    ['no tracks', []],
    ['duplicate ids', [VIDEO, { ...AAC, trackId: 1 }]],
    ['zero timescale', [{ ...AAC, timescale: 0 }]],
    ['zero width', [{ ...VIDEO, width: 0 }]],
    ['no PPS', [{ ...VIDEO, pps: [] }]],
    ['no SPS', [{ ...VIDEO, sps: [] }]],
    ['zero channels', [{ ...AAC, channels: 0 }]],
  ];
  for (const [name, tracks] of cases) {
    it(name, () => {
      expect(() => writeInitSegment(tracks)).toThrowError(expect.objectContaining({ code: 'INVALID_TRACK' }));
    });
  }

  it('reports a garbage SPS as the codec error it is', () => {
    expect(() => writeInitSegment([{ ...VIDEO, sps: [Uint8Array.of(0x67, 0x64)] }])).toThrowError(
      expect.objectContaining({ code: 'INVALID_SPS' }),
    );
  });
});
