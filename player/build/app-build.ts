import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** player/, wherever the package is installed. */
const PLAYER_ROOT = fileURLToPath(new URL('../', import.meta.url));
/** The production build the media server serves. */
export const APP_DIST = join(PLAYER_ROOT, 'dist');
const STAMP_FILE = 'build-stamp.txt';
/** A lock older than this was left by a build that died. */
const STALE_LOCK_MS = 180_000;
const LOCK_POLL_MS = 250;

/** What the build reads: a change in any of them makes the build stale. */
const INPUTS = ['index.html', 'vite.config.ts', 'package.json', 'src'];
/** In the stamp too: builds made before the build forced production mode (React's development code) are stale. */
const BUILD_MODE = 'production';

async function listFiles(path: string): Promise<string[]> {
  const info = await stat(path).catch(() => null);
  if (!info) return [];
  if (!info.isDirectory()) return [path];
  const entries = await readdir(path, { withFileTypes: true });
  const nested = await Promise.all(
    entries
      .filter((e) => !e.name.endsWith('.test.ts'))
      .map((e) => (e.isDirectory() ? listFiles(join(path, e.name)) : Promise.resolve([join(path, e.name)]))),
  );
  return nested.flat();
}

/**
 * A hash of every input's path and content (and of the lock file, for the installed packages): the build is
 * fresh when its stamp equals this. Contents rather than times, so a fresh clone or a `touch` rebuilds only when
 * something really changed.
 */
export async function appSourceStamp(root = PLAYER_ROOT): Promise<string> {
  const files = (await Promise.all(INPUTS.map((i) => listFiles(join(root, i))))).flat().sort();
  const hash = createHash('sha256');
  for (const file of files) {
    hash
      .update(relative(root, file))
      .update('\0')
      .update(await readFile(file))
      .update('\0');
  }
  const lock = await readFile(join(PLAYER_ROOT, '..', 'package-lock.json')).catch(() => Buffer.alloc(0));
  return hash.update(lock).update(BUILD_MODE).digest('hex');
}

async function builtStamp(dist: string): Promise<string | null> {
  return readFile(join(dist, STAMP_FILE), 'utf8').catch(() => null);
}

async function takeLock(lockDir: string): Promise<boolean> {
  try {
    await mkdir(lockDir);
    return true;
  } catch {
    const info = await stat(lockDir).catch(() => null);
    if (info && Date.now() - info.mtimeMs > STALE_LOCK_MS) await rm(lockDir, { recursive: true, force: true });
    return false;
  }
}

export interface AppBuildOptions {
  /** Progress lines ("building the web app…"); nothing when left out. */
  readonly log?: (line: string) => void;
  /** Another copy of player/ (tests); the build goes to its dist/. */
  readonly root?: string;
}

/**
 * Makes sure player/dist holds a build of the current sources: builds it with Vite when missing or stale. Safe when
 * several processes ask at once (test workers, two test runs): one builds into a temporary folder and swaps it in
 * under a lock; the others wait for it. Returns the folder to serve.
 */
export async function ensureAppBuild(options: AppBuildOptions = {}): Promise<string> {
  const root = options.root ?? PLAYER_ROOT;
  const dist = join(root, 'dist');
  const lockDir = join(root, '.dist-lock');
  const want = await appSourceStamp(root);
  for (;;) {
    if ((await builtStamp(dist)) === want) return dist;
    if (await takeLock(lockDir)) break;
    await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
  }
  try {
    if ((await builtStamp(dist)) === want) return dist;
    const started = Date.now();
    options.log?.('building the web app (player/dist)…');
    const out = join(root, `.dist-${process.pid}`);
    await rm(out, { recursive: true, force: true });
    const { build } = await import('vite');
    // Vite bundles React's development code (several times larger and slower) when NODE_ENV is set to anything but
    // 'production', as vitest sets it ('test'): this build is the production one whoever asks for it.
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = BUILD_MODE;
    try {
      await build({ configFile: join(root, 'vite.config.ts'), build: { outDir: out, emptyOutDir: true } });
    } finally {
      if (nodeEnv === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = nodeEnv;
    }
    await writeFile(join(out, STAMP_FILE), want);
    const old = join(root, `.dist-old-${process.pid}`);
    await rename(dist, old).catch(() => undefined);
    await rename(out, dist);
    await rm(old, { recursive: true, force: true });
    options.log?.(`web app built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return dist;
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
}
