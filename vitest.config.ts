import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      'media-core',
      'llhls-packager',
      'platform',
      'media-server',
      'chat',
      'edge',
      'player',
      'testkit',
      'benchmarks',
      'e2e',
      'fuzz',
    ],
    passWithNoTests: true,
    globalSetup: ['./vitest.global-setup.ts'],
  },
});
