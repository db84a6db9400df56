/** A whole Glint (API mounted at /api) over a fresh database of one dialect, seeded with the benchmark's data set. */

import { startGlint, type TestGlint } from '@glint/testkit/media-server';
import { createTestDatabase, type TestDatabase, type TestDialect } from '@glint/testkit/platform';
import { type Dataset, type DatasetShape, seedDataset } from './seed.ts';

/** Raised far above any rate the run reaches: the benchmark measures the work, not the limiter's refusals. */
export const RUN_API_LIMIT_PER_MINUTE = 100_000_000;

export interface ServerUnderTest {
  readonly dialect: TestDialect;
  readonly glint: TestGlint;
  readonly dataset: Dataset;
  stop(): Promise<void>;
}

export async function startServerUnderTest(
  dialect: TestDialect,
  shape: DatasetShape,
  onProgress: (text: string) => void,
): Promise<ServerUnderTest> {
  const database: TestDatabase = await createTestDatabase(dialect);
  let glint: TestGlint | undefined;
  try {
    glint = await startGlint(
      [],
      {
        logLevel: 'warn',
        apiRequestsPerMinutePerIp: RUN_API_LIMIT_PER_MINUTE,
        apiRequestsPerMinutePerAccount: RUN_API_LIMIT_PER_MINUTE,
      },
      { databaseUrl: database.url, echo: true },
    );
    const dataset = await seedDataset(glint.glint.platform, shape, onProgress);
    const started = glint;
    return {
      dialect,
      glint: started,
      dataset,
      stop: async () => {
        await started.stop();
        await database.drop();
      },
    };
  } catch (error) {
    await glint?.stop();
    await database.drop();
    throw error;
  }
}
