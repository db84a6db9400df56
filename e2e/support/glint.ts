/** The media server's own test kit: a whole Glint on free ports of 127.0.0.1, with a log the test can read. */
export { startGlint, type TestGlint } from '@glint/media-server/test-support/glint';
