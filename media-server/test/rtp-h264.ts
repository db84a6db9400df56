/** Test helpers: real H.264 from ffmpeg, split into access units. Not part of the runtime code. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { codec } from '@glint/media-core';
import { requireTool } from '@glint/testkit';

const run = promisify(execFile);

/**
 * Encodes testsrc2 to an Annex B elementary stream with an AUD before each access unit (so splitting is exact)
 * and returns the access units' NAL units, AUDs removed. 720p makes every IDR far larger than one RTP packet.
 */
export async function encodeH264AccessUnits(seconds = 2, size = '1280x720'): Promise<Uint8Array[][]> {
  const { stdout } = await run(
    requireTool('ffmpeg'),
    [
      ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=30`],
      ...['-t', String(seconds), '-c:v', 'libx264', '-preset', 'ultrafast', '-bf', '0', '-g', '30'],
      ...['-bsf:v', 'h264_metadata=aud=insert', '-f', 'h264', '-'],
    ],
    { encoding: 'buffer', maxBuffer: 256 * 1024 * 1024 },
  );
  const aus: Uint8Array[][] = [];
  // A whole elementary stream, not one access unit: no per-unit NAL cap.
  for (const nal of codec.splitAnnexB(new Uint8Array(stdout), Number.POSITIVE_INFINITY)) {
    if (codec.nalType(nal) === codec.NalType.AUD) aus.push([]);
    else aus.at(-1)?.push(nal);
  }
  return aus.filter((au) => au.length > 0);
}

export function isIdr(au: readonly Uint8Array[]): boolean {
  return au.some((nal) => codec.nalType(nal) === codec.NalType.IDR);
}
