import { spawnSync } from 'node:child_process';

/**
 * The path of a tool the test or benchmark needs; fails (never skips) with a message naming the tool when it is
 * missing, instead of an ENOENT deep inside a run.
 */
export function requireTool(tool: string): string {
  const found = spawnSync('sh', ['-c', 'command -v "$1"', 'sh', tool], { encoding: 'utf8' });
  const path = found.stdout?.trim() ?? '';
  if (found.status !== 0 || path === '') {
    const apt = tool === 'ffmpeg' || tool === 'ffprobe' ? 'ffmpeg' : tool;
    throw new Error(`${tool} is needed here but is not on PATH (Debian/Ubuntu: apt-get install -y ${apt})`);
  }
  return path;
}
