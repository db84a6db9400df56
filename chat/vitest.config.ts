import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'chat', include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
});
