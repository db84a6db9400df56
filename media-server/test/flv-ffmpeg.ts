/** Test helpers: real ffmpeg/ffprobe runs. Not part of the runtime code. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { requireTool } from '@glint/testkit';

const run = promisify(execFile);

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
