import { defineProject } from 'vitest/config';

// Whole-path tests start ffmpeg and Chromium; on a 2-core machine they run one file at a time.
export default defineProject({
  test: {
    name: 'e2e',
    include: ['test/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
