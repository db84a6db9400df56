import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'llhls-packager', include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
});
