/** Test helpers: real ffmpeg/ffprobe runs. Not part of the runtime code. */
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Fails (never skips) with a message naming the missing tool. */
export function requireTool(name: 'ffmpeg' | 'ffprobe'): string {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const path = found.stdout.trim();
  if (found.status !== 0 || path === '') {
    throw new Error(`${name} is required for this test; install it (Debian: apt-get install ffmpeg)`);
  }
  return path;
}

/** ffmpeg input and encoder arguments for the reference test stream: H.264 with B-frames, AAC. */
export function testSourceArgs(seconds: number): string[] {
  return [
    '-hide_banner',
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=320x240:rate=30',
    '-f',
    'lavfi',
    '-i',
    'sine',
    '-t',
    String(seconds),
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-bf',
    '2',
    '-g',
    '30',
    '-c:a',
    'aac',
  ];
}

/** Encodes the reference stream to an FLV file. */
export async function encodeFlvFile(path: string, seconds: number): Promise<void> {
  await run(requireTool('ffmpeg'), [...testSourceArgs(seconds), '-f', 'flv', '-y', path]);
}

export interface ProbedPacket {
  readonly codecType: 'video' | 'audio';
  readonly ptsMs: number;
  readonly dtsMs: number;
  readonly keyframe: boolean;
  readonly size: number;
}

/** ffprobe's packets; FLV's time base is 1/1000, so pts and dts are ms. */
export async function probePackets(path: string): Promise<ProbedPacket[]> {
  const { stdout } = await run(
    requireTool('ffprobe'),
    ['-v', 'error', '-show_entries', 'packet=codec_type,pts,dts,flags,size', '-of', 'json', path],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  const parsed = JSON.parse(stdout) as {
    packets: { codec_type: string; pts: number; dts: number; flags: string; size: string }[];
  };
  return parsed.packets.map((p) => ({
    codecType: p.codec_type === 'video' ? 'video' : 'audio',
    ptsMs: p.pts,
    dtsMs: p.dts,
    keyframe: p.flags.startsWith('K'),
    size: Number(p.size),
  }));
}
