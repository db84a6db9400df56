import { spawnSync } from 'node:child_process';
import { requireTool } from './require-tool.ts';

export interface ProbeResult {
  readonly json: unknown;
  readonly stderr: string;
}

export function ffprobe(args: readonly string[]): ProbeResult {
  requireTool('ffprobe');
  const r = spawnSync('ffprobe', ['-v', 'error', '-of', 'json', ...args], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`ffprobe ${args.join(' ')} failed: ${r.stderr}`);
  return { json: JSON.parse(r.stdout) as unknown, stderr: r.stderr };
}
