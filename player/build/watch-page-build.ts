import type { PlayerAsset } from './bundle.ts';
import { buildPlayerPages, type PageValues } from './page-build.ts';

/** What the watch page needs from the server: the channel's name and where its media is. */
export type WatchPageValues = PageValues['watch'];

export interface WatchPageBuild {
  /** The page's HTML for one channel (values escaped). */
  render(values: WatchPageValues): string;
  /** Its script and style, by file name (content-hashed), to serve under `assetBase`. */
  readonly assets: ReadonlyMap<string, PlayerAsset>;
}

/** The watch page alone (player/src/pages/watch), for origins that serve only it (e2e's watch origin). */
export async function buildWatchPage(assetBase: string): Promise<WatchPageBuild> {
  const built = await buildPlayerPages(assetBase, ['watch']);
  return { render: (values) => built.render('watch', values), assets: built.assets };
}
