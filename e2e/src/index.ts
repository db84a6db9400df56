export { installProbe, median, observePlayback, type PlaybackReport } from '../support/player-probe.ts';
