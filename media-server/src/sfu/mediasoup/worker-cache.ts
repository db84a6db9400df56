/**
 * Where mediasoup's worker lives: built once from Debian packages (about 10 minutes on 2 cores) into a cache folder
 * outside the clone, keyed by mediasoup's version, and reused by every clone and start. Until it is there Glint
 * serves WebRTC with werift; `buildMediasoupInBackground` starts the build and says where its log is.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MediasoupModule } from './mediasoup-api.ts';

export const MEDIASOUP_VERSION = '3.27.1';

const BUILD_SCRIPT = fileURLToPath(new URL('../../../native/mediasoup-worker/build-into-cache.sh', import.meta.url));

/** `$GLINT_CACHE_DIR`, else `$XDG_CACHE_HOME/glint`, else `~/.cache/glint`; then `mediasoup-<version>`. */
export function mediasoupCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.GLINT_CACHE_DIR || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'glint');
  return join(base, `mediasoup-${MEDIASOUP_VERSION}`);
}

export interface MediasoupBuild {
  readonly dir: string;
  readonly workerBin: string;
}

/** The cached build when it is complete (its READY stamp names this version and the worker file is there). */
export function readyMediasoup(dir: string = mediasoupCacheDir()): MediasoupBuild | null {
  const workerBin = join(dir, 'node_modules/mediasoup/worker/out/Release/mediasoup-worker');
  try {
    if (readFileSync(join(dir, 'READY'), 'utf8').trim() !== MEDIASOUP_VERSION) return null;
  } catch {
    return null;
  }
  return existsSync(workerBin) ? { dir, workerBin } : null;
}

/** mediasoup's Node module from the cache. */
export function loadMediasoup(build: MediasoupBuild): MediasoupModule {
  // mediasoup reads this variable as its worker's path; 'skip' (left from an install) would break every start.
  if (process.env.MEDIASOUP_WORKER_BIN === 'skip') delete process.env.MEDIASOUP_WORKER_BIN;
  return createRequire(join(build.dir, 'package.json'))('mediasoup') as MediasoupModule;
}

/** Whether a build is under way (its lock folder is there and younger than the script's 40-minute limit). */
export function buildUnderWay(dir: string = mediasoupCacheDir()): boolean {
  return existsSync(join(dir, 'building.lock'));
}

/**
 * Starts the worker build in the background (npm install of the package with its download skipped, then meson +
 * ninja over Debian's libraries), its output in `<dir>/build.log`. Needs root for apt-get unless the packages are
 * there. Calls `onDone` with the build, or null and the exit code.
 */
export function buildMediasoupInBackground(
  onDone: (build: MediasoupBuild | null, code: number | null) => void,
  dir: string = mediasoupCacheDir(),
): { child: ChildProcess; log: string } {
  const log = join(dir, 'build.log');
  const child = spawn(
    'sh',
    ['-c', `mkdir -p "$1" && exec sh "$2" "$1" "$3" >"$1/build.log" 2>&1`, 'sh', dir, BUILD_SCRIPT, MEDIASOUP_VERSION],
    {
      stdio: 'ignore',
      env: { ...process.env, MEDIASOUP_WORKER_BIN: 'skip' },
    },
  );
  child.on('exit', (code) => onDone(code === 0 ? readyMediasoup(dir) : null, code));
  child.on('error', () => onDone(null, null));
  return { child, log };
}

/** The last lines of the build's log, for an error message. */
export function buildLogTail(dir: string = mediasoupCacheDir(), lines = 5): string {
  try {
    return readFileSync(join(dir, 'build.log'), 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
