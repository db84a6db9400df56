import { readFile } from 'node:fs/promises';
import { bundleEntries, PLAYER_SRC, type PlayerAsset } from './bundle.ts';
import { fillTemplate } from './html-template.ts';

/** What the watch page needs from the server: the channel's name and where its media is. */
export interface WatchPageValues {
  readonly channel: string;
  /** The LL-HLS multivariant playlist. */
  readonly hlsSrc: string;
  /** The WHEP endpoint. */
  readonly whepUrl: string;
}

export interface WatchPageBuild {
  /** The page's HTML for one channel (values escaped). */
  render(values: WatchPageValues): string;
  /** Its script and style, by file name (content-hashed), to serve under `assetBase`. */
  readonly assets: ReadonlyMap<string, PlayerAsset>;
}

/**
 * Builds the watch page from player/src/pages/watch: bundles watch.ts (with the WHEP client and the hls.js glue) and
 * watch.css with esbuild, in memory, and points the HTML at the hashed files under `assetBase` (e.g. `/player/`).
 * Takes a fraction of a second, so the server does it at startup and a fresh clone needs no build step.
 */
export async function buildWatchPage(assetBase: string): Promise<WatchPageBuild> {
  const [{ assets, names }, html] = await Promise.all([
    bundleEntries(['pages/watch/watch.ts', 'pages/watch/watch.css']),
    readFile(`${PLAYER_SRC}pages/watch/watch.html`, 'utf8'),
  ]);
  const template = html.replace(/\{\{asset:([\w.-]+)\}\}/g, (_match, entry: string) => {
    const name = names.get(entry);
    if (!name) throw new Error(`watch.html refers to ${entry}, which the build did not produce`);
    return assetBase + name;
  });
  return {
    render: (values) => fillTemplate(template, { ...values }),
    assets,
  };
}
