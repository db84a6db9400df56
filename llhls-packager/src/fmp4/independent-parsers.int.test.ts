/**
 * Round trips through real encoders and independent readers: ffmpeg produces H.264, AAC and Opus; we package them;
 * mp4box.js and ffprobe/ffmpeg must read back exactly the samples, timestamps and flags we put in.
 */
import { writeFileSync } from 'node:fs';
import {
  avcCodecString,
  NalType,
  nalType,
  opusPacketSamples,
  parseAdts,
  parseAudioSpecificConfig,
  parseSps,
  splitAnnexB,
  toLengthPrefixed,
} from '@glint/media-core/codec';
import { decodeErrors, ffmpeg, ffprobe, makeTempDir, probePackets } from '@glint/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { readWithMp4box } from '../../test/mp4box-reader.ts';
import { writeFragment } from './fragment.ts';
import { writeInitSegment } from './init-segment.ts';
import type { FragmentSample, FragmentTrack, InitTrack } from './types.ts';

const dir = makeTempDir('fmp4');
afterAll(() => dir.remove());

/** A sample with its absolute decode time, so tests can cut fragments anywhere. */
interface TimedSample extends FragmentSample {
  readonly dts: number;
}

/** Cuts all tracks every `fragmentSeconds` after their own first sample and writes init + moof/mdat pairs to a file. */
function packageToFile(name: string, init: InitTrack[], tracks: Map<number, TimedSample[]>, fragmentSeconds: number) {
  const timescales = new Map(init.map((t) => [t.trackId, t.timescale]));
  const parts: Uint8Array[] = [writeInitSegment(init)];
  const cursors = new Map([...tracks.keys()].map((id) => [id, 0]));
  for (let sequence = 1, seconds = fragmentSeconds; ; sequence++, seconds += fragmentSeconds) {
    const fragmentTracks: FragmentTrack[] = [];
    for (const [trackId, samples] of tracks) {
      const timescale = timescales.get(trackId)!;
      const from = cursors.get(trackId)!;
      let to = from;
      const origin = samples[0]!.dts;
      while (to < samples.length && (samples[to]!.dts - origin) / timescale < seconds) to++;
      cursors.set(trackId, to);
      if (to > from) {
        fragmentTracks.push({ trackId, baseMediaDecodeTime: samples[from]!.dts, samples: samples.slice(from, to) });
      }
    }
    if (fragmentTracks.length === 0) break;
    parts.push(writeFragment({ sequenceNumber: sequence, tracks: fragmentTracks }));
  }
  const file = dir.file(name);
  writeFileSync(file, Buffer.concat(parts));
  return { file, bytes: new Uint8Array(Buffer.concat(parts)), fragments: parts.length - 1 };
}

interface ProbedStream {
  codec_name: string;
  codec_type: string;
  nb_read_frames: string;
  width?: number;
  height?: number;
  sample_rate?: string;
  channels?: number;
}

function probeStreams(file: string): ProbedStream[] {
  const { json, stderr } = ffprobe(['-count_frames', '-show_streams', file]);
  expect(stderr).toBe('');
  return (json as { streams: ProbedStream[] }).streams;
}

/**
 * Decode-order access units: after a picture's slices, an AUD, SPS, PPS or SEI starts the next one (7.4.1.2.3).
 * The bitstream filter puts SPS/PPS before the AUD of each keyframe, so splitting on AUD alone would be wrong.
 */
function accessUnits(annexB: Uint8Array): Uint8Array[][] {
  const units: Uint8Array[][] = [];
  let hasSlice = false;
  for (const nal of splitAnnexB(annexB)) {
    const type = nalType(nal);
    const opensUnit = type === NalType.AUD || type === NalType.SPS || type === NalType.PPS || type === NalType.SEI;
    if (units.length === 0 || (opensUnit && hasSlice)) {
      units.push([]);
      hasSlice = false;
    }
    units.at(-1)!.push(nal);
    if (type >= 1 && type <= 5) hasSlice = true;
  }
  return units;
}

/** Far past 2^32 ticks so a 32-bit tfdt would be caught. */
const BASE_DTS = 2 ** 32 + 12345;

function h264Source() {
  const mp4 = dir.file('source.mp4');
  ffmpeg(
    [
      ...['-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30', '-t', '2'],
      ...['-c:v', 'libx264', '-profile:v', 'high', '-bf', '2', '-g', '30', '-x264-params', 'aud=1'],
      ...['-video_track_timescale', '90000'],
    ],
    mp4,
  );
  const annexB = ffmpeg(['-i', mp4, '-c', 'copy', '-bsf:v', 'h264_mp4toannexb', '-f', 'h264'], dir.file('source.h264'));
  const packets = probePackets(mp4, 'v:0');
  const units = accessUnits(annexB);
  expect(units.length).toBe(packets.length);
  const all = units.flat();
  const sps = all.find((n) => nalType(n) === NalType.SPS)!;
  const pps = all.find((n) => nalType(n) === NalType.PPS)!;
  const firstDts = packets[0]!.dts;
  const samples: TimedSample[] = units.map((nals, i) => {
    const packet = packets[i]!;
    const keyframe = packet.keyframe;
    expect(nals.some((n) => nalType(n) === NalType.IDR)).toBe(keyframe);
    const media = nals.filter((n) => ![NalType.SPS, NalType.PPS, NalType.AUD].includes(nalType(n) as 7 | 8 | 9));
    return {
      data: toLengthPrefixed(media),
      dts: packet.dts - firstDts + BASE_DTS,
      duration: packet.duration,
      keyframe,
      compositionOffset: packet.pts - packet.dts,
    };
  });
  const info = parseSps(sps);
  const track: InitTrack = {
    trackId: 1,
    kind: 'video',
    timescale: 90000,
    width: info.width,
    height: info.height,
    sps: [sps],
    pps: [pps],
  };
  return { track, samples, sps };
}

function aacSource() {
  const adts = ffmpeg(
    ['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', '2', '-ac', '2', '-c:a', 'aac', '-f', 'adts'],
    dir.file('source.aac'),
  );
  const { asc, frames } = parseAdts(adts);
  const { sampleRate, channels, samplesPerFrame } = parseAudioSpecificConfig(asc);
  const track: InitTrack = {
    trackId: 2,
    kind: 'audio',
    codec: 'aac',
    timescale: sampleRate,
    asc,
    channels,
    sampleRate,
  };
  const samples: TimedSample[] = frames.map((data, i) => ({
    data,
    dts: i * samplesPerFrame,
    duration: samplesPerFrame,
    keyframe: true,
    compositionOffset: 0,
  }));
  return { track, samples };
}

/** Packets of the first logical stream of an Ogg file (RFC 3533), joined across page boundaries. */
function oggPackets(ogg: Uint8Array): Uint8Array[] {
  const packets: Uint8Array[] = [];
  let partial: number[] = [];
  let pos = 0;
  while (pos < ogg.length) {
    expect(String.fromCharCode(...ogg.subarray(pos, pos + 4))).toBe('OggS');
    const segments = ogg[pos + 26]!;
    const lacing = ogg.subarray(pos + 27, pos + 27 + segments);
    let data = pos + 27 + segments;
    for (const length of lacing) {
      partial.push(...ogg.subarray(data, data + length));
      data += length;
      if (length < 255) {
        packets.push(Uint8Array.from(partial));
        partial = [];
      }
    }
    pos = data;
  }
  return packets;
}

function opusSource() {
  const ogg = ffmpeg(
    [
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=440:sample_rate=48000',
      '-t',
      '2',
      '-ac',
      '2',
      '-c:a',
      'libopus',
      '-f',
      'ogg',
    ],
    dir.file('source.ogg'),
  );
  const [head, tags, ...audio] = oggPackets(ogg);
  expect(String.fromCharCode(...head!.subarray(0, 8))).toBe('OpusHead');
  expect(String.fromCharCode(...tags!.subarray(0, 8))).toBe('OpusTags');
  const headView = new DataView(head!.buffer, head!.byteOffset);
  const track: InitTrack = {
    trackId: 1,
    kind: 'audio',
    codec: 'opus',
    timescale: 48000,
    channels: head![9]!,
    preSkip: headView.getUint16(10, true),
    inputSampleRate: headView.getUint32(12, true),
  };
  let dts = 0;
  const samples: TimedSample[] = audio.map((data) => {
    const duration = opusPacketSamples(data);
    const sample = { data, dts, duration, keyframe: true, compositionOffset: 0 };
    dts += duration;
    return sample;
  });
  return { track, samples };
}

/** mp4box must return every sample with our bytes, decode time, composition time and sync flag. */
function expectMp4boxSamples(bytes: Uint8Array, trackId: number, expected: readonly TimedSample[]) {
  const { samples, errors } = readWithMp4box(bytes);
  expect(errors).toEqual([]);
  const got = samples.get(trackId)!;
  expect(got.length).toBe(expected.length);
  got.forEach((sample, i) => {
    const want = expected[i]!;
    expect([sample.dts, sample.cts, sample.duration, sample.is_sync]).toEqual([
      want.dts,
      want.dts + want.compositionOffset,
      want.duration,
      want.keyframe,
    ]);
    expect(sample.data).toEqual(want.data);
  });
}

describe('packaged H.264 with B-frames', () => {
  const { track, samples, sps } = h264Source();
  const out = packageToFile('video.mp4', [track], new Map([[1, samples]]), 0.2);

  it('has B-frames and keyframes to exercise composition offsets and sync flags', () => {
    expect(samples.some((s) => s.compositionOffset !== samples[0]!.compositionOffset)).toBe(true);
    expect(samples.filter((s) => s.keyframe).length).toBe(2);
    expect(out.fragments).toBeGreaterThan(5);
  });

  it('reads back in mp4box with the codec string and every sample intact', () => {
    const { info } = readWithMp4box(out.bytes);
    expect(info.tracks.map((t) => [t.type, t.codec, t.timescale, t.video?.width, t.video?.height])).toEqual([
      ['video', avcCodecString(sps), 90000, 1280, 720],
    ]);
    expect(avcCodecString(sps)).toMatch(/^avc1\.64..1f$/); // High, level 3.1 as x264 chose for 720p30
    expectMp4boxSamples(out.bytes, 1, samples);
  });

  it('ffprobe counts every frame, sees the same timestamps and flags, and ffmpeg decodes cleanly', () => {
    const [stream, ...rest] = probeStreams(out.file);
    expect(rest).toEqual([]);
    expect([stream!.codec_name, Number(stream!.nb_read_frames), stream!.width, stream!.height]).toEqual([
      'h264',
      samples.length,
      1280,
      720,
    ]);
    const packets = probePackets(out.file, 'v:0');
    expect(packets.map((p) => [p.dts, p.pts, p.keyframe])).toEqual(
      samples.map((s) => [s.dts, s.dts + s.compositionOffset, s.keyframe]),
    );
    expect(decodeErrors(out.file)).toBe('');
  });
});

describe('packaged AAC from ADTS', () => {
  const { track, samples } = aacSource();
  const out = packageToFile('aac.mp4', [track], new Map([[2, samples]]), 0.2);

  it('reads back in mp4box and ffprobe and decodes cleanly', () => {
    const { info } = readWithMp4box(out.bytes);
    expect(info.tracks.map((t) => [t.type, t.codec, t.timescale, t.audio?.channel_count])).toEqual([
      ['audio', 'mp4a.40.2', 48000, 2],
    ]);
    expectMp4boxSamples(out.bytes, 2, samples);
    const [stream] = probeStreams(out.file);
    expect([stream!.codec_name, Number(stream!.nb_read_frames), stream!.sample_rate, stream!.channels]).toEqual([
      'aac',
      samples.length,
      '48000',
      2,
    ]);
    expect(decodeErrors(out.file)).toBe('');
  });
});

describe('packaged Opus from Ogg', () => {
  const { track, samples } = opusSource();
  const out = packageToFile('opus.mp4', [track], new Map([[1, samples]]), 0.2);

  it('reads back in mp4box and ffprobe and decodes cleanly', () => {
    const { info } = readWithMp4box(out.bytes);
    expect(info.tracks.map((t) => [t.type, t.codec, t.timescale, t.audio?.channel_count])).toEqual([
      ['audio', 'Opus', 48000, 2],
    ]);
    expectMp4boxSamples(out.bytes, 1, samples);
    const [stream] = probeStreams(out.file);
    expect([stream!.codec_name, Number(stream!.nb_read_frames), stream!.channels]).toEqual(['opus', samples.length, 2]);
    expect(decodeErrors(out.file)).toBe('');
  });
});

describe('packaged H.264 + AAC in shared fragments', () => {
  const video = h264Source();
  const audio = aacSource();
  const videoSamples = video.samples.map((s) => ({ ...s, dts: s.dts - BASE_DTS }));
  const out = packageToFile(
    'av.mp4',
    [video.track, audio.track],
    new Map([
      [1, videoSamples],
      [2, audio.samples],
    ]),
    0.2,
  );

  it('keeps both tracks intact (trun data offsets into one mdat)', () => {
    expectMp4boxSamples(out.bytes, 1, videoSamples);
    expectMp4boxSamples(out.bytes, 2, audio.samples);
    const streams = probeStreams(out.file);
    expect(streams.map((s) => [s.codec_type, s.codec_name, Number(s.nb_read_frames)])).toEqual([
      ['video', 'h264', videoSamples.length],
      ['audio', 'aac', audio.samples.length],
    ]);
    expect(decodeErrors(out.file)).toBe('');
  });
});
