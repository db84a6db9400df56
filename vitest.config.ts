import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['llhls-packager', 'media-server', 'chat', 'player', 'benchmarks', 'e2e', 'fuzz'],
    passWithNoTests: true,
  },
});
