import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'media-server', include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
});
