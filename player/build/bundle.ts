import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** A built file the server sends as is. */
export interface PlayerAsset {
  readonly contentType: string;
  readonly body: Uint8Array;
}

/** player/src, wherever the package is installed. */
export const PLAYER_SRC = fileURLToPath(new URL('../src/', import.meta.url));

/** Browsers the client supports: those with WebRTC and ES2022. */
const TARGET = 'es2022';

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
