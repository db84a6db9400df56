/**
 * The web app's build, on a copy of player/'s sources (inside player/, so the copy resolves the same packages): made
 * when missing, kept while the sources are unchanged, made again once when they change, however many ask at once.
 */
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { appSourceStamp, ensureAppBuild } from './app-build.ts';
import { readAppFiles } from './app-files.ts';

const PLAYER = fileURLToPath(new URL('../', import.meta.url));
const root = join(PLAYER, `.dist-test-${process.pid}`);
const builds: string[] = [];
const log = (line: string) => {
  if (line.startsWith('building')) builds.push(line);
};

beforeAll(async () => {
  for (const entry of ['index.html', 'vite.config.ts', 'package.json', 'src']) {
    await cp(join(PLAYER, entry), join(root, entry), { recursive: true });
  }
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function scriptNames(dist: string): Promise<string[]> {
  const files = await readAppFiles(dist);
  return [...files.indexHtml.matchAll(/src="\/assets\/([^"]+\.js)"/g)].map((m) => m[1] ?? '');
}

it('builds a missing app, then leaves a fresh one alone', async () => {
  const dist = await ensureAppBuild({ root, log });
  expect(builds).toHaveLength(1);
  expect(await readFile(join(dist, 'build-stamp.txt'), 'utf8')).toBe(await appSourceStamp(root));
  const names = await scriptNames(dist);
  expect(names.length).toBeGreaterThan(0);
  await ensureAppBuild({ root, log });
  expect(builds).toHaveLength(1);
  expect(await scriptNames(dist)).toEqual(names);
}, 120_000);

it('builds again, once, when a source changes, with three callers at once', async () => {
  const before = await scriptNames(join(root, 'dist'));
  const stamp = await appSourceStamp(root);
  const page = join(root, 'src/app/pages/not-found-page.tsx');
  await writeFile(page, (await readFile(page, 'utf8')).replace('Page not found', 'Nothing here'));
  expect(await appSourceStamp(root)).not.toBe(stamp);
  const dists = await Promise.all([1, 2, 3].map(() => ensureAppBuild({ root, log })));
  expect(builds).toHaveLength(2);
  expect(new Set(dists).size).toBe(1);
  const after = await scriptNames(join(root, 'dist'));
  expect(after).not.toEqual(before);
  const files = await readAppFiles(join(root, 'dist'));
  const script = files.assets.get(after[0] ?? '');
  expect(Buffer.from(script?.body ?? new Uint8Array()).toString()).toContain('Nothing here');
}, 120_000);
