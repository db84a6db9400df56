export { BACKGROUND_TAB_FLAGS, CHROMIUM, launchChromium } from '../support/browser.ts';
export { installProbe, median, observePlayback, type PlaybackReport } from '../support/player-probe.ts';
