import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** benchmarks/results/: SVG charts are committed, JSON numbers are git-ignored. */
export const RESULTS_DIR = fileURLToPath(new URL('../../results/', import.meta.url));

export function resultPath(file: string): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  return `${RESULTS_DIR}${file}`;
}

/** Writes the raw numbers of a measure as `results/<name>.json`; returns the path. */
export function writeResults(name: string, data: unknown): string {
  const path = resultPath(`${name}.json`);
  writeFileSync(path, `${JSON.stringify({ writtenAt: new Date().toISOString(), ...toRecord(data) }, null, 2)}\n`);
  return path;
}

function toRecord(data: unknown): Record<string, unknown> {
  return typeof data === 'object' && data !== null && !Array.isArray(data)
    ? (data as Record<string, unknown>)
    : { data };
}
