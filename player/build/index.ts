/** The player's Node side: the web app's build for the media server, and the WebRTC client for Playwright-driven pages. */
export type { GlintWebrtc } from '../src/webrtc/global.ts';
export { APP_DIST, type AppBuildOptions, appSourceStamp, ensureAppBuild } from './app-build.ts';
export { type AppFiles, readAppFiles } from './app-files.ts';
export { APP_PAGES, APP_PARAMS } from './app-routes.ts';
export type { PlayerAsset } from './bundle.ts';
export { webrtcClientScript } from './webrtc-client-script.ts';
