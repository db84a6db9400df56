import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ProbedPacket, probePackets } from '@glint/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeFlvFile } from '../../../test/flv-ffmpeg.ts';
import { FlvDemuxer } from './demuxer.ts';
import { FlvMediaReader } from './flv-media-reader.ts';
import type { MediaEvent } from './types.ts';

/** Real bytes: ffmpeg's FLV muxer output for H.264 with B-frames and AAC, checked against ffprobe's packets. */
describe('FLV from ffmpeg, compared with ffprobe', () => {
  let dir: string;
  let file: Uint8Array;
  let probed: ProbedPacket[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'glint-flv-'));
    const path = join(dir, 'ref.flv');
    await encodeFlvFile(path, 2);
    file = new Uint8Array(readFileSync(path));
    probed = probePackets(path); // FLV's time base is 1/1000: pts and dts are ms
  }, 20_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function demux(chunkSizes: () => number): MediaEvent[] {
    const demuxer = new FlvDemuxer();
    const toStream = new FlvMediaReader();
    const events: MediaEvent[] = [];
    for (let at = 0; at < file.length; ) {
      const n = chunkSizes();
      for (const tag of demuxer.push(file.subarray(at, at + n))) {
        const event = toStream.tag(tag);
        if (event) events.push(event);
      }
      at += n;
    }
    return events;
  }

  it('yields configs first, then as many access units and frames as ffprobe counts, with its pts/dts', () => {
    const events = demux(() => 4096);
    expect(events[0]?.kind).toBe('metadata');
    const kinds = events.map((e) => e.kind);
    expect(kinds.filter((k) => k === 'video-config')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'audio-config')).toHaveLength(1);
    expect(kinds.indexOf('video-config')).toBeLessThan(kinds.indexOf('video'));
    expect(kinds.indexOf('audio-config')).toBeLessThan(kinds.indexOf('audio'));

    const video = events.flatMap((e) => (e.kind === 'video' ? [e.au] : []));
    const audio = events.flatMap((e) => (e.kind === 'audio' ? [e.frame] : []));
    const probedVideo = probed.filter((p) => p.codecType === 'video');
    const probedAudio = probed.filter((p) => p.codecType === 'audio');
    expect(video).toHaveLength(probedVideo.length);
    expect(audio).toHaveLength(probedAudio.length);
    expect(video.length).toBe(60);

    expect(video.map((au) => ({ ptsMs: au.pts90k / 90, dtsMs: au.dts90k / 90, keyframe: au.keyframe }))).toEqual(
      probedVideo.map((p) => ({ ptsMs: p.pts, dtsMs: p.dts, keyframe: p.keyframe })),
    );
    expect(audio.map((f) => f.pts90k / 90)).toEqual(probedAudio.map((p) => p.pts));
    // ffprobe's packet size is the payload after the FLV/AVC/AAC headers; ffmpeg writes 4-byte lengths.
    expect(video.map((au) => au.data.length)).toEqual(probedVideo.map((p) => p.size));
    expect(audio.map((f) => f.data.length)).toEqual(probedAudio.map((p) => p.size));

    // B-frames: presentation order differs from decode order.
    expect(video.some((au) => au.pts90k !== au.dts90k)).toBe(true);
    expect(video.filter((au) => au.keyframe)).toHaveLength(2);
    expect(video.every((au) => au.format === 'avcc')).toBe(true);
  });

  it('decodes the H.264 and AAC configs ffmpeg wrote', () => {
    const events = demux(() => 4096);
    const videoConfig = events.find((e) => e.kind === 'video-config');
    const audioConfig = events.find((e) => e.kind === 'audio-config');
    if (videoConfig?.kind !== 'video-config' || audioConfig?.kind !== 'audio-config') throw new Error('no configs');
    expect(videoConfig.config.sps).toHaveLength(1);
    expect(videoConfig.config.pps).toHaveLength(1);
    expect((videoConfig.config.sps[0]![0]! & 0x1f) === 7).toBe(true); // NAL type 7 = SPS
    expect((videoConfig.config.pps[0]![0]! & 0x1f) === 8).toBe(true); // NAL type 8 = PPS
    // AAC-LC (object type 2), 44.1 kHz (index 4), mono: 0x12 0x08.
    expect([...audioConfig.config.asc.subarray(0, 2)]).toEqual([0x12, 0x08]);
    const metadata = events.find((e) => e.kind === 'metadata');
    expect(metadata?.kind === 'metadata' && metadata.metadata.videocodecid).toBe(7);
  });

  it('gives the same events whatever the read sizes (1 byte, odd sizes, whole file)', () => {
    const reference = demux(() => file.length);
    let i = 0;
    const odd = [1, 7, 13, 100, 3, 1000, 11];
    expect(demux(() => odd[i++ % odd.length]!)).toEqual(reference);
    expect(demux(() => 1).length).toBe(reference.length);
  });
});
