import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';
import benchmarks from './benchmarks/vitest.config.ts';
import chat from './chat/vitest.config.ts';
import edge from './edge/vitest.config.ts';
import fuzz from './fuzz/vitest.config.ts';
import llhlsPackager from './llhls-packager/vitest.config.ts';
import mediaCore from './media-core/vitest.config.ts';
import mediaServer from './media-server/vitest.config.ts';
import platform from './platform/vitest.config.ts';
import player from './player/vitest.config.ts';
import testkit from './testkit/vitest.config.ts';

/** Packages with tests and their own configs (name, include, timeouts). */
const PACKAGES: Record<string, TestProjectInlineConfiguration> = {
  'media-core': mediaCore,
  'llhls-packager': llhlsPackager,
  platform: platform,
  'media-server': mediaServer,
  chat: chat,
  edge: edge,
  player: player,
  testkit: testkit,
  benchmarks: benchmarks,
  fuzz: fuzz,
};

const INT = '**/*.int.test.ts';

/**
 * Each package runs as two projects. Unit files (no process or socket they cannot share) first, two at a time in
 * reused workers: starting a fresh worker per file cost more than the 120 files' tests themselves (64 s → 22 s).
 * Then integration files (`*.int.test.ts`: ffmpeg, servers, browsers), one at a time in a fresh worker each, because
 * their timing tolerances assume the machine is theirs. e2e runs last, one file at a time (its own config).
 */
function split([name, own]: [string, TestProjectInlineConfiguration]): TestProjectInlineConfiguration[] {
  const test = own.test ?? {};
  const include = test.include ?? ['src/**/*.test.ts'];
  return [
    {
      root: `./${name}`,
      test: {
        ...test,
        name,
        exclude: ['**/node_modules/**', '**/.dist-*/**', INT],
        isolate: false,
        maxWorkers: 2,
        sequence: { groupOrder: 0 },
      },
    },
    {
      root: `./${name}`,
      test: {
        ...test,
        name: `${name}:int`,
        include: include.map((glob) => glob.replace(/\.test\.ts$/, '.int.test.ts')),
        exclude: ['**/node_modules/**', '**/.dist-*/**'],
        maxWorkers: 1,
        sequence: { groupOrder: 1 },
      },
    },
  ];
}

export default defineConfig({
  test: {
    projects: [...Object.entries(PACKAGES).flatMap(split), 'e2e'],
    passWithNoTests: true,
    globalSetup: ['./vitest.global-setup.ts'],
  },
});
