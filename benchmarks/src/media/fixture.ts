/**
 * Real media for the benchmarks: ffmpeg encodes H.264 (High, 2 B-frames, AUDs, 1 s GOP) and AAC-LC into an MP4; the
 * Annex B elementary stream is cut into access units at each AUD and timed with ffprobe's packet list, so the
 * packager sees exactly what an encoder produced and ffmpeg can remux the very same MP4.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AacConfig, type AudioFrame, codec, type VideoAccessUnit } from '@glint/media-core';
import { requireTools } from './tools.ts';

export interface MediaSpec {
  readonly seconds: number;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly videoKbps: number;
  readonly audioKbps: number;
}

export interface Media {
  readonly spec: MediaSpec;
  /** The encoded MP4 (ffmpeg's peer input). */
  readonly mp4: string;
  /** Scratch folder holding everything; the caller removes it. */
  readonly dir: string;
  readonly video: VideoAccessUnit[];
  readonly audio: AudioFrame[];
  readonly audioConfig: AacConfig;
  /** Media duration: from the first decode time to the end of the last frame, 90 kHz. */
  readonly duration90k: number;
  /** Measured bitrates of the encoded tracks. */
  readonly videoKbps: number;
  readonly audioKbps: number;
}

interface ProbePacket {
  readonly pts_time?: string;
  readonly dts_time?: string;
  readonly flags: string;
}

const QUIET = ['-hide_banner', '-loglevel', 'error', '-y'];

export function makeMedia(spec: MediaSpec): Media {
  requireTools('ffmpeg', 'ffprobe');
  const dir = mkdtempSync(join(tmpdir(), 'glint-bench-'));
  const mp4 = join(dir, 'source.mp4');
  const gop = String(spec.fps);
  const rate = `${spec.videoKbps}k`;
  execFileSync('ffmpeg', [
    ...QUIET,
    ...['-f', 'lavfi', '-i', `testsrc2=size=${spec.width}x${spec.height}:rate=${spec.fps}`],
    ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'],
    // Temporal noise keeps the encoder near its target rate; a clean test pattern would come out far smaller.
    ...['-t', String(spec.seconds), '-vf', 'noise=alls=12:allf=t', '-pix_fmt', 'yuv420p'],
    ...['-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'high', '-bf', '2', '-g', gop, '-keyint_min', gop],
    ...['-sc_threshold', '0', '-b:v', rate, '-maxrate', rate, '-bufsize', rate, '-x264-params', 'aud=1'],
    ...['-c:a', 'aac', '-b:a', `${spec.audioKbps}k`, '-ac', '2', mp4],
  ]);
  const h264 = join(dir, 'video.h264');
  const adts = join(dir, 'audio.aac');
  execFileSync('ffmpeg', [...QUIET, '-i', mp4, '-map', '0:v', '-c', 'copy', '-bsf:v', 'h264_mp4toannexb', h264]);
  execFileSync('ffmpeg', [...QUIET, '-i', mp4, '-map', '0:a', '-c', 'copy', '-f', 'adts', adts]);

  const packets = probePackets(mp4, 'v:0');
  const units = splitAccessUnits(readFileSync(h264));
  if (units.length !== packets.length) {
    throw new Error(`media: ${units.length} access units in the H.264 stream but ffprobe lists ${packets.length}`);
  }
  const video = units.map((data, i): VideoAccessUnit => {
    const p = packets[i] as ProbePacket;
    return {
      data,
      format: 'annexb',
      dts90k: Math.round(Number(p.dts_time ?? p.pts_time) * 90000),
      pts90k: Math.round(Number(p.pts_time) * 90000),
      keyframe: p.flags.startsWith('K'),
    };
  });
  const aac = codec.parseAdts(readFileSync(adts));
  const firstAudioSec = Number(probePackets(mp4, 'a:0')[0]?.pts_time ?? 0);
  const audio = aac.frames.map((data, i) => ({
    data,
    pts90k: Math.round((firstAudioSec + (i * 1024) / 48000) * 90000),
  }));
  const start = Math.min(video[0]?.dts90k ?? 0, audio[0]?.pts90k ?? 0);
  const frame90k = Math.round(90000 / spec.fps);
  const end = Math.max(
    (video[video.length - 1]?.dts90k ?? 0) + frame90k,
    (audio[audio.length - 1]?.pts90k ?? 0) + Math.round((1024 * 90000) / 48000),
  );
  const seconds = (end - start) / 90000;
  const bytes = (list: readonly { data: Uint8Array }[]) => list.reduce((n, x) => n + x.data.byteLength, 0);
  return {
    spec,
    mp4,
    dir,
    video,
    audio,
    audioConfig: { codec: 'aac', asc: aac.asc },
    duration90k: end - start,
    videoKbps: (bytes(video) * 8) / seconds / 1000,
    audioKbps: (bytes(audio) * 8) / seconds / 1000,
  };
}

function probePackets(file: string, stream: string): ProbePacket[] {
  const out = execFileSync('ffprobe', [
    ...['-v', 'error', '-select_streams', stream],
    ...['-show_entries', 'packet=pts_time,dts_time,flags', '-of', 'json', file],
  ]);
  return (JSON.parse(out.toString()) as { packets: ProbePacket[] }).packets;
}

/** Cuts an Annex B stream into access units at each delimiter (NAL type 9) that follows a picture. */
function splitAccessUnits(stream: Uint8Array): Uint8Array[] {
  const units: Uint8Array[] = [];
  let current: Uint8Array[] = [];
  let hasPicture = false;
  const flush = () => {
    if (current.length > 0) units.push(Buffer.concat(current.flatMap((nal) => [START_CODE, nal])));
    current = [];
    hasPicture = false;
  };
  // A whole elementary stream, not one access unit: no per-unit NAL cap.
  for (const nal of codec.splitAnnexB(stream, Number.POSITIVE_INFINITY)) {
    const type = (nal[0] ?? 0) & 0x1f;
    if (type === codec.NalType.AUD && hasPicture) flush();
    if (type >= 1 && type <= 5) hasPicture = true;
    current.push(nal);
  }
  flush();
  return units;
}

const START_CODE = Buffer.from([0, 0, 0, 1]);

/** One item of a live source's output: video and audio in decode order, as an encoder delivers them. */
export type MediaItem =
  | { readonly kind: 'video'; readonly au: VideoAccessUnit; readonly t90k: number }
  | { readonly kind: 'audio'; readonly frame: AudioFrame; readonly t90k: number };

export function interleave(video: readonly VideoAccessUnit[], audio: readonly AudioFrame[]): MediaItem[] {
  const items: MediaItem[] = [
    ...video.map((au) => ({ kind: 'video' as const, au, t90k: au.dts90k })),
    ...audio.map((frame) => ({ kind: 'audio' as const, frame, t90k: frame.pts90k })),
  ];
  return items.sort((a, b) => a.t90k - b.t90k);
}

/** The same access units as AVCC samples with the parameter sets taken out of band, as RTMP delivers them. */
export function toAvcc(video: readonly VideoAccessUnit[]): {
  units: VideoAccessUnit[];
  sps: Uint8Array;
  pps: Uint8Array;
} {
  let sps: Uint8Array | undefined;
  let pps: Uint8Array | undefined;
  const units = video.map((au): VideoAccessUnit => {
    const media: Uint8Array[] = [];
    for (const nal of codec.splitAnnexB(au.data)) {
      const type = codec.nalType(nal);
      if (type === codec.NalType.SPS) sps ??= nal;
      else if (type === codec.NalType.PPS) pps ??= nal;
      else if (type !== codec.NalType.AUD) media.push(nal);
    }
    return { ...au, data: codec.toLengthPrefixed(media), format: 'avcc' };
  });
  if (!sps || !pps) throw new Error('media: no SPS/PPS found in the H.264 stream');
  return { units, sps, pps };
}
