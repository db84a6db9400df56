/** What the ladder writes to ffmpeg, read back by Glint's own FLV ingest: the same config, frames and timestamps. */
import { describe, expect, it } from 'vitest';
import { FlvDemuxer } from '../../protocols/flv/demuxer.ts';
import { FlvMediaReader } from '../../protocols/flv/flv-media-reader.ts';
import { avcFrame, avcSequenceHeader, flvFileHeader, flvTag } from './flv-tag-writer.ts';

const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
const SPS = hex('6764001eacd940a02ff970110000030001000003003c0f162d96');
const PPS = hex('68ebe3cb22c0');

describe('FLV tag writer', () => {
  it('writes a header, a sequence header and frames that the FLV ingest reads back', () => {
    const idr = hex('0000000465888040');
    const p = hex('000000044188aabb');
    const bytes = Buffer.concat([
      flvFileHeader(),
      flvTag(9, 0, avcSequenceHeader({ codec: 'h264', sps: [SPS], pps: [PPS] })),
      flvTag(9, 0, avcFrame(true, 67, idr)),
      flvTag(9, 0x01_23_45_67, avcFrame(false, 0, p)), // needs the extension byte
    ]);
    const demuxer = new FlvDemuxer();
    const reader = new FlvMediaReader();
    const tags = demuxer.push(new Uint8Array(bytes));
    expect(demuxer.header).toEqual({ version: 1, hasAudio: false, hasVideo: true });
    const events = tags.map((t) => reader.tag(t));
    expect(events[0]).toMatchObject({ kind: 'video-config', config: { sps: [SPS], pps: [PPS] } });
    expect(events[1]).toMatchObject({ kind: 'video', au: { keyframe: true, dts90k: 0, pts90k: 67 * 90, data: idr } });
    expect(events[2]).toMatchObject({ kind: 'video', au: { keyframe: false, dts90k: 0x01_23_45_67 * 90, data: p } });
  });
});
