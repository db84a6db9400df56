/** Chromium ends of the latency benchmark: viewer pages (hls.js, Shaka, mpegts.js, WHEP) and a WHIP broadcaster. */
export { openViewer, type Viewer, type ViewerOptions } from './open-viewer.ts';
export { launchLatencyBrowser, type PlayerName, playerScriptPath } from './page-setup.ts';
export { startWhipPublisher, type WhipPublisher, type WhipPublisherOptions } from './whip-publisher.ts';
