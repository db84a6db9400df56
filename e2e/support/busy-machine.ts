/**
 * A ladder lag tests allow before the ladder sheds a rung: on a machine running two test suites at once, ffmpeg falls
 * seconds behind and the ladder (rightly) gives up its rungs, but a test of the quality menu needs them. Shedding
 * itself is tested in media-server's ladder tests.
 */
export const BUSY_MACHINE_LAG_MS = 600_000;
