/**
 * Real media for tests: ffmpeg encodes H.264 (High, B-frames, AUDs) and AAC-LC; the elementary streams are cut into
 * access units here and timed with ffprobe's packet list, so the packager sees exactly what an encoder produced.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AacConfig, AudioFrame, VideoAccessUnit } from '@glint/media-core';
import { parseAdts, splitAnnexB } from '@glint/media-core/codec';

export interface Fixture {
  readonly video: VideoAccessUnit[];
  readonly audio: AudioFrame[];
  readonly audioConfig: AacConfig;
  readonly dir: string;
  /** What ffprobe says of the encoded video: profile name and level_idc. */
  readonly probe: { readonly profile: string; readonly level: number; readonly frames: number };
}

export interface FixtureOptions {
  readonly seconds: number;
  readonly fps?: number;
  /** Keyframe interval in frames. */
  readonly gop?: number;
  readonly size?: string;
  readonly bitrateKbps?: number;
}

interface ProbePacket {
  readonly pts_time?: string;
  readonly dts_time?: string;
  readonly flags: string;
}

export function requireTool(tool: string): void {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
  } catch {
    throw new Error(`${tool} is needed for this test: apt-get install -y ${tool === 'ffprobe' ? 'ffmpeg' : tool}`);
  }
}

/** Fixture folders live as long as the test process. */
const folders = new Set<string>();
process.once('exit', () => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

export function makeFixture(options: FixtureOptions): Fixture {
  requireTool('ffmpeg');
  requireTool('ffprobe');
  const fps = options.fps ?? 30;
  const gop = options.gop ?? fps;
  const dir = mkdtempSync(join(tmpdir(), 'glint-fixture-'));
  folders.add(dir);
  const mkv = join(dir, 'source.mp4');
  const rate = options.bitrateKbps ?? 1500;
  execFileSync('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-y'],
    ...['-f', 'lavfi', '-i', `testsrc2=size=${options.size ?? '640x360'}:rate=${fps}`],
    ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'],
    ...['-t', String(options.seconds), '-pix_fmt', 'yuv420p'],
    ...['-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'high', '-bf', '2', '-g', String(gop)],
    ...['-keyint_min', String(gop), '-sc_threshold', '0', '-b:v', `${rate}k`, '-x264-params', 'aud=1'],
    ...['-c:a', 'aac', '-b:a', '128k', '-ac', '2', mkv],
  ]);
  const h264 = join(dir, 'video.h264');
  const adts = join(dir, 'audio.aac');
  // Elementary streams out of the container, untouched: what an encoder's raw output looks like.
  const extract = (map: string, ...rest: string[]) =>
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-i', mkv, '-map', map, '-c', 'copy', ...rest]);
  extract('0:v', '-bsf:v', 'h264_mp4toannexb', '-f', 'h264', h264);
  extract('0:a', '-f', 'adts', adts);

  const packets = probePackets(mkv, 'v:0');
  const units = splitAccessUnits(readFileSync(h264));
  if (units.length !== packets.length) {
    throw new Error(`fixture: ${units.length} access units in the ES but ffprobe lists ${packets.length} packets`);
  }
  const video = units.map((data, i): VideoAccessUnit => {
    const p = packets[i] as ProbePacket;
    const dts = Math.round(Number(p.dts_time ?? p.pts_time) * 90000);
    return {
      data,
      format: 'annexb',
      dts90k: dts,
      pts90k: Math.round(Number(p.pts_time) * 90000),
      keyframe: p.flags.startsWith('K'),
    };
  });
  const aac = parseAdts(readFileSync(adts));
  const firstAudio = Number(probePackets(mkv, 'a:0')[0]?.pts_time ?? 0);
  const audio = aac.frames.map((data, i) => ({ data, pts90k: Math.round((firstAudio + (i * 1024) / 48000) * 90000) }));
  const stream = JSON.parse(
    execFileSync('ffprobe', [
      '-v',
      'error',
      '-select_streams',
      'v:0',
      '-show_entries',
      'stream=profile,level',
      '-of',
      'json',
      mkv,
    ]).toString(),
  ) as { streams: Array<{ profile: string; level: number }> };
  const probe = {
    profile: stream.streams[0]?.profile ?? '',
    level: stream.streams[0]?.level ?? 0,
    frames: packets.length,
  };
  return { video, audio, audioConfig: { codec: 'aac', asc: aac.asc }, dir, probe };
}

function probePackets(file: string, stream: string): ProbePacket[] {
  const out = execFileSync('ffprobe', [
    '-v',
    'error',
    '-select_streams',
    stream,
    '-show_entries',
    'packet=pts_time,dts_time,flags',
    '-of',
    'json',
    file,
  ]);
  return (JSON.parse(out.toString()) as { packets: ProbePacket[] }).packets;
}

/** Splits an Annex B stream into access units at each access unit delimiter (NAL type 9). */
function splitAccessUnits(stream: Uint8Array): Uint8Array[] {
  const units: Uint8Array[] = [];
  let current: Uint8Array[] = [];
  const flush = () => {
    if (current.length === 0) return;
    units.push(Buffer.concat(current.flatMap((nal) => [Buffer.from([0, 0, 0, 1]), nal])));
    current = [];
  };
  let hasPicture = false;
  // A whole elementary stream, not one access unit: no per-unit NAL cap.
  for (const nal of splitAnnexB(stream, Number.POSITIVE_INFINITY)) {
    const type = (nal[0] ?? 0) & 0x1f;
    // A delimiter opens a new unit once the current one holds a picture (parameter sets may precede the AUD).
    if (type === 9 && hasPicture) {
      flush();
      hasPicture = false;
    }
    if (type >= 1 && type <= 5) hasPicture = true;
    current.push(nal);
  }
  flush();
  return units;
}

/** Everything in decode order, video and audio interleaved by time, as a live source would deliver it. */
export function interleave(
  fixture: Fixture,
): Array<{ kind: 'video'; au: VideoAccessUnit } | { kind: 'audio'; frame: AudioFrame }> {
  const items = [
    ...fixture.video.map((au) => ({ kind: 'video' as const, au, t: au.dts90k })),
    ...fixture.audio.map((frame) => ({ kind: 'audio' as const, frame, t: frame.pts90k })),
  ];
  items.sort((a, b) => a.t - b.t);
  return items.map((item) =>
    item.kind === 'video' ? { kind: 'video', au: item.au } : { kind: 'audio', frame: item.frame },
  );
}
