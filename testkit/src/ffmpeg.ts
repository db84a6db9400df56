import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { requireTool } from './require-tool.ts';

/** Runs ffmpeg quietly and returns the named output file's bytes. */
export function ffmpeg(args: readonly string[], output: string): Uint8Array {
  requireTool('ffmpeg');
  execFileSync('ffmpeg', ['-v', 'error', '-nostdin', '-y', ...args, output], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Uint8Array(readFileSync(output));
}
