import { defineProject } from 'vitest/config';

export default defineProject({
  // Some tests run ffmpeg, ffprobe and mp4box on whole files: give them time on a busy 2-core machine.
  test: { name: 'llhls-packager', include: ['src/**/*.test.ts', 'test/**/*.test.ts'], testTimeout: 30_000 },
});
