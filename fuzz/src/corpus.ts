import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Finding } from './campaign.ts';

/** fuzz/corpus: `seeds/<target>/*.bin` (real encoder output) and `crashes/<target>/*.bin` (inputs that found bugs). */
export const CORPUS_DIR = fileURLToPath(new URL('../corpus/', import.meta.url));
export const SEEDS_DIR = join(CORPUS_DIR, 'seeds');
export const CRASHES_DIR = join(CORPUS_DIR, 'crashes');
const REPO_URL = new URL('../../', import.meta.url);

export interface CorpusFile {
  readonly target: string;
  readonly path: string;
  readonly bytes: Uint8Array;
}

/** Every `.bin` under `dir/<target>/`, sorted by name so a campaign with a given seed is repeatable. */
export function readCorpus(dir: string, target?: string): CorpusFile[] {
  if (!existsSync(dir)) return [];
  const targets = target === undefined ? readdirSync(dir).sort() : [target];
  const files: CorpusFile[] = [];
  for (const name of targets) {
    const sub = join(dir, name);
    if (!existsSync(sub)) continue;
    for (const file of readdirSync(sub).sort()) {
      if (!file.endsWith('.bin')) continue;
      const path = join(sub, file);
      files.push({ target: name, path, bytes: new Uint8Array(readFileSync(path)) });
    }
  }
  return files;
}

/** Seeds, then the saved crash inputs: a fixed bug's input is a good place to start looking for the next one. */
export function seedsFor(target: string): Uint8Array[] {
  return [...readCorpus(SEEDS_DIR, target), ...readCorpus(CRASHES_DIR, target)].map((f) => f.bytes);
}

export function sha1(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('hex');
}

/**
 * Saves a finding's input as `crashes/<target>/<sha1>.bin` with a `.txt` beside it saying what happened; the
 * regression test replays every `.bin`. Returns the path of the input.
 */
export function saveFinding(finding: Finding, dir = CRASHES_DIR): string {
  const sub = join(dir, finding.target);
  mkdirSync(sub, { recursive: true });
  const name = sha1(finding.input);
  const path = join(sub, `${name}.bin`);
  writeFileSync(path, finding.input);
  const stack = (finding.stack ?? '')
    .replace(/\?tsx-namespace=[\w-]+/g, '')
    .replaceAll(REPO_URL.href, '')
    .replaceAll(fileURLToPath(REPO_URL), '');
  const note = [`${finding.kind}: ${finding.summary}`, '', stack].join('\n');
  writeFileSync(join(sub, `${name}.txt`), `${note.trim()}\n`);
  return path;
}
