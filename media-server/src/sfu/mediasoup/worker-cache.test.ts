import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildMediasoupInBackground, MEDIASOUP_VERSION, mediasoupCacheDir, readyMediasoup } from './worker-cache.ts';

const dirs: string[] = [];
function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'glint-ms-cache-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("mediasoup's worker cache", () => {
  it('lives outside the clone, per version', () => {
    expect(mediasoupCacheDir({ GLINT_CACHE_DIR: '/x' })).toBe(`/x/mediasoup-${MEDIASOUP_VERSION}`);
    expect(mediasoupCacheDir({ XDG_CACHE_HOME: '/y', HOME: '/h' })).toBe(`/y/glint/mediasoup-${MEDIASOUP_VERSION}`);
  });

  it('is ready only with a stamp of this version and the worker file', () => {
    const dir = scratch();
    expect(readyMediasoup(dir)).toBeNull();
    const bin = join(dir, 'node_modules/mediasoup/worker/out/Release');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'mediasoup-worker'), '');
    writeFileSync(join(dir, 'READY'), '3.0.0\n');
    expect(readyMediasoup(dir)).toBeNull();
    writeFileSync(join(dir, 'READY'), `${MEDIASOUP_VERSION}\n`);
    expect(readyMediasoup(dir)).toEqual({ dir, workerBin: join(bin, 'mediasoup-worker') });
  });

  it('builds one at a time: a second build while one holds the lock gives up at once (exit 75)', async () => {
    const dir = scratch();
    mkdirSync(join(dir, 'building.lock'));
    const result = await new Promise<{ build: unknown; code: number | null }>((resolve) => {
      buildMediasoupInBackground((build, code) => resolve({ build, code }), dir);
    });
    expect(result).toEqual({ build: null, code: 75 });
  });
});
