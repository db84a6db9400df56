/** The player's Node side: builds its browser code for the media server and for Playwright-driven pages. */
export type { GlintWebrtc } from '../src/webrtc/global.ts';
export { APP_DIST, type AppBuildOptions, appSourceStamp, ensureAppBuild } from './app-build.ts';
export { type AppFiles, readAppFiles } from './app-files.ts';
export { APP_PAGES } from './app-routes.ts';
export type { PlayerAsset } from './bundle.ts';
export { escapeHtml } from './html-template.ts';
export {
  buildPlayerPages,
  PAGE_NAMES,
  type PageName,
  type PageValues,
  type PlayerPagesBuild,
} from './page-build.ts';
export { buildWatchPage, type WatchPageBuild, type WatchPageValues } from './watch-page-build.ts';
export { webrtcClientScript } from './webrtc-client-script.ts';
