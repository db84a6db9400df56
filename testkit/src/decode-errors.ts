import { spawnSync } from 'node:child_process';
import { requireTool } from './require-tool.ts';

/** Decodes every stream fully and returns ffmpeg's error output, which is empty for a clean file. */
export function decodeErrors(file: string): string {
  requireTool('ffmpeg');
  const r = spawnSync('ffmpeg', ['-v', 'error', '-nostdin', '-i', file, '-f', 'null', '-'], { encoding: 'utf8' });
  return r.status === 0 ? r.stderr : `exit ${r.status}: ${r.stderr}`;
}
