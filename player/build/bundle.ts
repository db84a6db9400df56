import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** A built file the server sends as is. */
export interface PlayerAsset {
  readonly contentType: string;
  readonly body: Uint8Array;
}

/** player/src, wherever the package is installed. */
export const PLAYER_SRC = fileURLToPath(new URL('../src/', import.meta.url));

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** Browsers the watch page supports: those with WebRTC, MediaSource and ES2022. */
const TARGET = 'es2022';

/**
 * Bundles browser entry points (paths under player/src) in memory. Each output is named `<entry>-<content hash>.<ext>`
 * so the server can let browsers cache it for good. Returns the assets by file name, and by entry name (`watch.js`)
 * the file name it got.
 */
export async function bundleEntries(
  entries: readonly string[],
): Promise<{ assets: Map<string, PlayerAsset>; names: Map<string, string> }> {
  const result = await build({
    entryPoints: entries.map((e) => PLAYER_SRC + e),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: TARGET,
    write: false,
    outdir: '/out',
    entryNames: '[name]',
    logLevel: 'silent',
  });
  const assets = new Map<string, PlayerAsset>();
  const names = new Map<string, string>();
  for (const file of result.outputFiles) {
    const base = file.path.slice('/out/'.length);
    const dot = base.lastIndexOf('.');
    const ext = base.slice(dot);
    const hash = createHash('sha256').update(file.contents).digest('base64url').slice(0, 10);
    const name = `${base.slice(0, dot)}-${hash}${ext}`;
    assets.set(name, { contentType: CONTENT_TYPES[ext] ?? 'application/octet-stream', body: file.contents });
    names.set(base, name);
  }
  return { assets, names };
}

/** One script for a page that has no bundler (test and benchmark pages): an IIFE, as a string. */
export async function bundleScript(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [PLAYER_SRC + entry],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: TARGET,
    write: false,
    logLevel: 'silent',
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error(`esbuild gave no output for ${entry}`);
  return file.text;
}
