import { defineProject } from 'vitest/config';

export default defineProject({
  // The codec tests round-trip through the real ffmpeg and ffprobe: give them time on a busy 2-core machine.
  test: { name: 'media-core', include: ['src/**/*.test.ts'], testTimeout: 30_000 },
});
