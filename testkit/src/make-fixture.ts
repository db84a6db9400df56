/**
 * Real media for tests and benchmarks: ffmpeg encodes H.264 (High, 2 B-frames, AUDs) and AAC-LC into an MP4; the
 * Annex B elementary stream is cut into access units at each AUD and timed with ffprobe's packet list, so the
 * packager sees exactly what an encoder produced and ffmpeg can remux the very same MP4.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { type AacConfig, type AudioFrame, codec, type VideoAccessUnit } from '@glint/media-core';
import { ffprobe } from './ffprobe.ts';
import { makeTempDir } from './make-temp-dir.ts';
import { type EncodeOptions, encodeArgs, type MediaSpec } from './media-spec.ts';
import { probePackets } from './probe-packets.ts';
import { requireTool } from './require-tool.ts';

export type FixtureOptions = Partial<MediaSpec> & Pick<MediaSpec, 'seconds'> & Omit<EncodeOptions, 'aud'>;

export interface Fixture {
  readonly spec: MediaSpec;
  /** The encoded MP4 (the input of ffmpeg as a peer). */
  readonly mp4: string;
  /** Scratch folder holding everything; removed when the process exits. */
  readonly dir: string;
  readonly video: VideoAccessUnit[];
  readonly audio: AudioFrame[];
  readonly audioConfig: AacConfig;
  /** From the first decode time to the end of the last frame, 90 kHz. */
  readonly duration90k: number;
  /** Measured bitrates of the encoded tracks. */
  readonly videoKbps: number;
  readonly audioKbps: number;
  /** What ffprobe says of the encoded video: profile name and level_idc. */
  readonly probe: { readonly profile: string; readonly level: number; readonly frames: number };
}

const DEFAULTS = { width: 640, height: 360, fps: 30, videoKbps: 1500, audioKbps: 128 } as const;
const QUIET = ['-hide_banner', '-loglevel', 'error', '-y'];

/** Fixture folders live as long as the process. */
const folders = new Set<string>();
process.once('exit', () => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

export function makeFixture(options: FixtureOptions): Fixture {
  requireTool('ffmpeg');
  requireTool('ffprobe');
  const { gop, noise, ...given } = options;
  const all = { ...DEFAULTS, ...given };
  // In MediaSpec's order: benchmarks spread it into their results.
  const spec: MediaSpec = {
    seconds: all.seconds,
    width: all.width,
    height: all.height,
    fps: all.fps,
    videoKbps: all.videoKbps,
    audioKbps: all.audioKbps,
  };
  const dir = makeTempDir('fixture').path;
  folders.add(dir);
  const mp4 = `${dir}/source.mp4`;
  execFileSync('ffmpeg', [
    ...encodeArgs(spec, { aud: true, ...(gop === undefined ? {} : { gop }), ...(noise ? { noise } : {}) }),
    mp4,
  ]);
  const h264 = `${dir}/video.h264`;
  const adts = `${dir}/audio.aac`;
  // Elementary streams out of the container, untouched: what an encoder's raw output looks like.
  execFileSync('ffmpeg', [...QUIET, '-i', mp4, '-map', '0:v', '-c', 'copy', '-bsf:v', 'h264_mp4toannexb', h264]);
  execFileSync('ffmpeg', [...QUIET, '-i', mp4, '-map', '0:a', '-c', 'copy', '-f', 'adts', adts]);

  const packets = probePackets(mp4, 'v:0');
  const units = splitAccessUnits(readFileSync(h264));
  if (units.length !== packets.length) {
    throw new Error(`fixture: ${units.length} access units in the H.264 stream but ffprobe lists ${packets.length}`);
  }
  const video = units.map((data, i): VideoAccessUnit => {
    const p = packets[i]!;
    return {
      data,
      format: 'annexb',
      dts90k: Math.round(p.dtsSec * 90000),
      pts90k: Math.round(p.ptsSec * 90000),
      keyframe: p.keyframe,
    };
  });
  const aac = codec.parseAdts(readFileSync(adts));
  const firstAudioSec = probePackets(mp4, 'a:0')[0]?.ptsSec ?? 0;
  const audio = aac.frames.map((data, i) => ({
    data,
    pts90k: Math.round((firstAudioSec + (i * 1024) / 48000) * 90000),
  }));
  const start = Math.min(video[0]?.dts90k ?? 0, audio[0]?.pts90k ?? 0);
  const end = Math.max(
    (video.at(-1)?.dts90k ?? 0) + Math.round(90000 / spec.fps),
    (audio.at(-1)?.pts90k ?? 0) + Math.round((1024 * 90000) / 48000),
  );
  const seconds = (end - start) / 90000;
  const bytes = (list: readonly { data: Uint8Array }[]) => list.reduce((n, x) => n + x.data.byteLength, 0);
  const stream = (
    ffprobe(['-select_streams', 'v:0', '-show_entries', 'stream=profile,level', mp4]).json as {
      streams: Array<{ profile: string; level: number }>;
    }
  ).streams[0];
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
    probe: { profile: stream?.profile ?? '', level: stream?.level ?? 0, frames: packets.length },
  };
}

const START_CODE = Buffer.from([0, 0, 0, 1]);

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
  // A whole elementary stream, not one access unit: no per-unit NAL cap. Parameter sets may precede the AUD.
  for (const nal of codec.splitAnnexB(stream, Number.POSITIVE_INFINITY)) {
    const type = codec.nalType(nal);
    if (type === codec.NalType.AUD && hasPicture) flush();
    if (type >= 1 && type <= 5) hasPicture = true;
    current.push(nal);
  }
  flush();
  return units;
}
