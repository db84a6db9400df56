import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import ffmpeg from 'fluent-ffmpeg';
import { ClipError } from './clip-error.ts';
import type { ProbedPacket } from './clip-plan.ts';

/**
 * The ffmpeg runs a clip is made of. Inputs are `concat:` URLs (an init segment followed by media segments, byte for
 * byte a fragmented MP4). Each run is bounded in time and its failure becomes a ClipError with ffmpeg's last words.
 */

/** Longest any one run may take before it is killed. */
const RUN_TIMEOUT_SEC = 60;

export interface VideoProbe {
  readonly packets: ProbedPacket[];
  readonly profile: string;
  readonly level: number;
  readonly width: number;
  readonly height: number;
}

/** A `concat:` URL of files in order (ffmpeg's concat protocol: one byte stream). */
export function concatUrl(files: readonly string[]): string {
  return `concat:${files.join('|')}`;
}

/**
 * The video packets (times, keyframe flags, byte positions) and the stream's profile. ffprobe is run directly:
 * fluent-ffmpeg's ffprobe parses streams and format only, never packets.
 */
export function probeVideo(input: string): Promise<VideoProbe> {
  const args = ['-v', 'error', '-select_streams', 'v:0', '-of', 'json'];
  args.push('-show_entries', 'packet=pts_time,dts_time,flags,pos:stream=profile,level,width,height', input);
  return new Promise((resolve, reject) => {
    execFile('ffprobe', args, { maxBuffer: 64 * 1024 * 1024, timeout: RUN_TIMEOUT_SEC * 1000 }, (error, stdout) => {
      if (error) {
        reject(
          new ClipError('CLIP_SOURCE_BAD', `ffprobe could not read the archived video: ${lastLine(error.message)}`),
        );
        return;
      }
      try {
        resolve(parseProbe(stdout));
      } catch (cause) {
        reject(new ClipError('CLIP_SOURCE_BAD', `ffprobe's answer was not understood: ${String(cause)}`));
      }
    });
  });
}

interface ProbeJson {
  streams?: { profile?: string; level?: number; width?: number; height?: number }[];
  packets?: { pts_time?: string; dts_time?: string; flags?: string; pos?: string }[];
}

function parseProbe(stdout: string): VideoProbe {
  const json = JSON.parse(stdout) as ProbeJson;
  const stream = json.streams?.[0];
  if (!stream?.width || !stream.height) throw new Error('no video stream');
  const packets = (json.packets ?? []).flatMap((p) => {
    const ptsSec = Number(p.pts_time);
    const dtsSec = Number(p.dts_time ?? p.pts_time);
    const pos = Number(p.pos);
    if (!Number.isFinite(ptsSec) || !Number.isFinite(dtsSec) || !Number.isFinite(pos)) return [];
    return [{ ptsSec, dtsSec, pos, key: (p.flags ?? '').includes('K') }];
  });
  return {
    packets,
    profile: stream.profile ?? 'High',
    level: stream.level ?? 40,
    width: stream.width,
    height: stream.height,
  };
}

export interface EncodeEdgeOptions {
  readonly input: string;
  readonly output: string;
  readonly startFrame: number;
  readonly endFrame: number;
  readonly probe: VideoProbe;
  /** The copied pieces' decode delay: the encoded frames' decode times are set this much before their presentation. */
  readonly decodeDelayUs: number;
}

/**
 * Re-encodes frames [startFrame, endFrame) of one segment to MPEG-TS (parameter sets in band, so pieces with other
 * SPS/PPS can follow), one IDR first, the source's resolution and profile.
 */
export function encodeEdge(options: EncodeEdgeOptions): Promise<void> {
  const { probe } = options;
  const filter = `trim=start_frame=${options.startFrame}:end_frame=${options.endFrame},setpts=PTS-STARTPTS`;
  // setts works in the MPEG-TS muxer's 90 kHz units here (its TB constant does not match them in ffmpeg 5.1).
  const delay90k = Math.round((options.decodeDelayUs * 90) / 1000);
  return run(
    ffmpeg({ timeout: RUN_TIMEOUT_SEC })
      .input(options.input)
      .outputOptions(['-map', '0:v:0', '-an', '-vf', filter])
      .outputOptions(['-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '17', '-pix_fmt', 'yuv420p'])
      .outputOptions(['-profile:v', x264Profile(probe.profile), '-level:v', (probe.level / 10).toFixed(1)])
      .outputOptions(['-bf', '0', '-g', '100000', '-threads', '1'])
      // Same decode delay as the copied pieces: decode times then rise across the joins.
      .outputOptions(['-bsf:v', `setts=dts=DTS-${delay90k}`])
      .outputOptions(['-f', 'mpegts'])
      .output(options.output),
    'encoding the clip edge',
  );
}

/** Copies whole segments' video into MPEG-TS (the muxer puts SPS/PPS in band before each keyframe). */
export function copyVideo(input: string, output: string): Promise<void> {
  return run(
    ffmpeg({ timeout: RUN_TIMEOUT_SEC })
      .input(input)
      .output(output)
      .outputOptions(['-map', '0:v:0', '-an', '-c:v', 'copy', '-f', 'mpegts']),
    'copying the clip middle',
  );
}

const thumbnailOptions = ['-map', '0:v:0', '-frames:v', '1', '-vf', 'scale=640:-2', '-q:v', '4', '-f', 'image2'];

/** The audio of [fromSec, fromSec + durationSec) of the input's own timestamps, encoded to AAC (sample exact). */
export function encodeAudio(input: string, output: string, fromSec: number, durationSec: number): Promise<void> {
  const start = Math.max(0, fromSec).toFixed(6);
  const end = (Math.max(0, fromSec) + durationSec).toFixed(6);
  return run(
    ffmpeg({ timeout: RUN_TIMEOUT_SEC })
      .input(input)
      .outputOptions(['-map', '0:a:0', '-vn'])
      .outputOptions(['-af', `atrim=start=${start}:end=${end},asetpts=PTS-STARTPTS`])
      // The default coder (twoloop): ffmpeg 5.1's `fast` one took twice its CPU here (1.30 s against 0.55 s for 30 s).
      .outputOptions(['-c:a', 'aac', '-b:a', '128k', '-f', 'mp4'])
      .output(output),
    'encoding the clip audio',
  );
}

export interface JoinPiece {
  readonly file: string;
  readonly durationUs: number;
}

/**
 * Joins the MPEG-TS pieces with the concat demuxer (each piece placed at the sum of the earlier pieces' durations)
 * and the audio into one MP4, moov first so a browser plays it while it downloads.
 */
export async function joinPieces(
  pieces: readonly JoinPiece[],
  audio: string | null,
  listFile: string,
  output: string,
): Promise<void> {
  const list = pieces.map((p) => `file '${p.file}'\nduration ${(p.durationUs / 1e6).toFixed(6)}\n`).join('');
  await writeFile(listFile, `ffconcat version 1.0\n${list}`);
  const command = ffmpeg({ timeout: RUN_TIMEOUT_SEC })
    .input(listFile)
    .inputFormat('concat')
    .inputOptions(['-safe', '0']);
  if (audio !== null) command.input(audio);
  // The audio is optional: a range the audio's archived segments do not reach yet (a live clip made seconds after
  // going live, on a busy machine) encodes to a file with no samples, and a clip without sound beats no clip.
  command.outputOptions(['-map', '0:v:0', ...(audio === null ? [] : ['-map', '1:a:0?'])]);
  command.outputOptions(['-c', 'copy', '-movflags', '+faststart', '-f', 'mp4']).output(output);
  await run(command, 'joining the clip');
}

/** One frame at `atSec`, about 640 px wide, as JPEG. */
export function thumbnail(input: string, output: string, atSec: number): Promise<void> {
  return run(
    ffmpeg({ timeout: RUN_TIMEOUT_SEC })
      .input(input)
      .inputOptions(['-ss', atSec.toFixed(3)])
      .output(output)
      .outputOptions(thumbnailOptions),
    'making the clip thumbnail',
  );
}

function x264Profile(profile: string): string {
  const p = profile.toLowerCase();
  if (p.includes('baseline')) return 'baseline';
  if (p === 'main') return 'main';
  return 'high';
}

function run(command: ffmpeg.FfmpegCommand, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    command
      .outputOptions(['-nostdin', '-y'])
      .on('error', (error: Error, _stdout: string | null, stderr: string | null) =>
        reject(new ClipError('CLIP_ENCODE_FAILED', `ffmpeg failed ${what}: ${lastLine(stderr || error.message)}`)),
      )
      .on('end', () => resolve())
      .run();
  });
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return (lines.at(-1) ?? '').slice(0, 300);
}
