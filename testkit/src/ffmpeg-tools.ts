/** Helpers for tests that drive the real ffmpeg/ffprobe binaries. Not part of the package's public face. */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireTool } from './require-tool.ts';

export interface TempDir {
  readonly path: string;
  file(name: string): string;
  remove(): void;
}

export function makeTempDir(prefix: string): TempDir {
  const path = mkdtempSync(join(tmpdir(), `glint-${prefix}-`));
  return { path, file: (name) => join(path, name), remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Runs ffmpeg quietly and returns the named output file's bytes. */
export function ffmpeg(args: readonly string[], output: string): Uint8Array {
  requireTool('ffmpeg');
  execFileSync('ffmpeg', ['-v', 'error', '-nostdin', '-y', ...args, output], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Uint8Array(readFileSync(output));
}

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

/** Decodes every stream fully and returns ffmpeg's error output, which is empty for a clean file. */
export function decodeErrors(file: string): string {
  requireTool('ffmpeg');
  const r = spawnSync('ffmpeg', ['-v', 'error', '-nostdin', '-i', file, '-f', 'null', '-'], { encoding: 'utf8' });
  return r.status === 0 ? r.stderr : `exit ${r.status}: ${r.stderr}`;
}

/** Packs (value, bit count) pairs MSB first, padding the last byte with zeros. */
export function packBits(fields: [number, number][]): Uint8Array {
  const bits: number[] = [];
  for (const [value, count] of fields) for (let i = count - 1; i >= 0; i--) bits.push(Math.floor(value / 2 ** i) % 2);
  const out = new Uint8Array(Math.ceil(bits.length / 8));
  bits.forEach((bit, i) => {
    out[i >> 3]! |= bit << (7 - (i & 7));
  });
  return out;
}
