/** Databases for tests that run once per dialect: a temp SQLite file, and a PostgreSQL database made and dropped. */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { makeTempDir } from './make-temp-dir.ts';

export type TestDialect = 'sqlite' | 'postgres';

/** Both dialects: `describe.each(TEST_DIALECTS)` runs a suite against each. */
export const TEST_DIALECTS: readonly TestDialect[] = ['sqlite', 'postgres'];

/** The machine's PostgreSQL (trust auth on loopback); GLINT_TEST_POSTGRES_URL points elsewhere. */
export const TEST_POSTGRES_ADMIN_URL =
  process.env.GLINT_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  readonly dialect: TestDialect;
  /** A database URL for Platform.open / GLINT_DATABASE_URL. */
  readonly url: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(dialect: TestDialect): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const dir = makeTempDir('db');
    return { dialect, url: `sqlite:${dir.file('glint.db')}`, drop: async () => dir.remove() };
  }
  const name = `glint_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_ADMIN_URL });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL is needed at ${TEST_POSTGRES_ADMIN_URL} (trust auth) for this test; start it or set ` +
        `GLINT_TEST_POSTGRES_URL: ${(error as Error).message}`,
    );
  }
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(TEST_POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    dialect,
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: TEST_POSTGRES_ADMIN_URL });
      await client.connect();
      try {
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}
