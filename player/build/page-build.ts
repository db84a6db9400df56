import { readFile } from 'node:fs/promises';
import { bundleEntries, PLAYER_SRC, type PlayerAsset } from './bundle.ts';
import { fillTemplate } from './html-template.ts';

/**
 * The player's pages and what the server fills into each: player/src/pages/<name>/<name>.html with its
 * <name>.ts and <name>.css bundled beside it.
 */
export interface PageValues {
  /** /watch/<channel>: the channel, its LL-HLS multivariant playlist and its WHEP endpoint. */
  readonly watch: { readonly channel: string; readonly hlsSrc: string; readonly whepUrl: string };
}

export type PageName = keyof PageValues;

export const PAGE_NAMES: readonly PageName[] = ['watch'];

export interface PlayerPagesBuild {
  /** One page's HTML (values escaped). */
  render<P extends PageName>(page: P, values: PageValues[P]): string;
  /** Every page's scripts and styles, by file name (content-hashed), to serve under `assetBase`. */
  readonly assets: ReadonlyMap<string, PlayerAsset>;
}

/**
 * Builds the pages with esbuild, in memory, in one run (each page's script is one self-contained file; hls.js comes
 * from /vendor), and points each HTML at its hashed files under `assetBase` (e.g. `/player/`). A fraction of a
 * second, so the server does it at startup and a fresh clone needs no build step.
 */
export async function buildPlayerPages(
  assetBase: string,
  pages: readonly PageName[] = PAGE_NAMES,
): Promise<PlayerPagesBuild> {
  const entries = pages.flatMap((p) => [`pages/${p}/${p}.ts`, `pages/${p}/${p}.css`]);
  const [{ assets, names }, ...htmls] = await Promise.all([
    bundleEntries(entries),
    ...pages.map((p) => readFile(`${PLAYER_SRC}pages/${p}/${p}.html`, 'utf8')),
  ]);
  const templates = new Map<PageName, string>();
  pages.forEach((page, i) => {
    const template = (htmls[i] ?? '').replace(/\{\{asset:([\w.-]+)\}\}/g, (_match, entry: string) => {
      const name = names.get(entry);
      if (!name) throw new Error(`${page}.html refers to ${entry}, which the build did not produce`);
      return assetBase + name;
    });
    templates.set(page, template);
  });
  return {
    render(page, values) {
      const template = templates.get(page);
      if (template === undefined) throw new Error(`the ${page} page was not built`);
      return fillTemplate(template, { ...values });
    },
    assets,
  };
}
