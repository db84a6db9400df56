import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { PlayerAsset } from './bundle.ts';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/** A production build of the web app, read into memory: its one HTML page and its hashed assets. */
export interface AppFiles {
  readonly indexHtml: string;
  /** By file name, as served under /assets/. */
  readonly assets: ReadonlyMap<string, PlayerAsset>;
}

/** Reads a build made by ensureAppBuild (a few hundred kB: served from memory). */
export async function readAppFiles(dist: string): Promise<AppFiles> {
  const indexHtml = await readFile(join(dist, 'index.html'), 'utf8');
  const assets = new Map<string, PlayerAsset>();
  const names = await readdir(join(dist, 'assets')).catch(() => [] as string[]);
  for (const name of names) {
    const body = await readFile(join(dist, 'assets', name));
    assets.set(name, { contentType: CONTENT_TYPES[extname(name)] ?? 'application/octet-stream', body });
  }
  return { indexHtml, assets };
}
