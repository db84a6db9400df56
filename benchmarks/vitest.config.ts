import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'benchmarks', include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
});
