import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'fuzz', include: ['src/**/*.test.ts'] },
});
