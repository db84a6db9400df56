import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { GlintError } from '@glint/media-core';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { migrationProvider } from './migrations.ts';
import type { Database } from './schema.ts';

export type Dialect = 'sqlite' | 'postgres';

export interface PlatformDatabase {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  /** The URL without its password, for logs. */
  readonly displayUrl: string;
  close(): Promise<void>;
}

export class DatabaseUrlError extends GlintError<'BAD_DATABASE_URL'> {
  override readonly name = 'DatabaseUrlError';
  constructor(url: string) {
    super(
      'BAD_DATABASE_URL',
      `database URL "${redactUrl(url)}" is neither sqlite:<file> (or sqlite::memory:) nor postgres://user@host/db`,
    );
  }
}

export interface OpenDatabaseOptions {
  /** PostgreSQL pool size. */
  readonly maxConnections?: number;
  /** A query waiting for a PostgreSQL connection gives up after this long (a database that is down fails fast). */
  readonly connectTimeoutMs?: number;
}

/**
 * `sqlite:<path>` (created with its folder when missing), `sqlite::memory:`, or `postgres://…`; the same migrations
 * run on each, at open, before anything reads.
 */
export async function openDatabase(url: string, options: OpenDatabaseOptions = {}): Promise<PlatformDatabase> {
  const opened = connect(url, options);
  const migrator = new Migrator({ db: opened.db, provider: migrationProvider });
  const { error } = await migrator.migrateToLatest();
  if (error) {
    await opened.close();
    throw new GlintError('MIGRATION_FAILED', `database migration failed: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return opened;
}

function connect(url: string, options: OpenDatabaseOptions): PlatformDatabase {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    if (path === '') throw new DatabaseUrlError(url);
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const sqlite = new SQLite(path);
    // WAL lets readers go on while one writer commits; a busy writer is waited for rather than failed.
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('synchronous = NORMAL');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: cachingStatements(sqlite) }) });
    return { db, dialect: 'sqlite', displayUrl: url, close: () => db.destroy() };
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    const pool = new pg.Pool({
      connectionString: url,
      max: options.maxConnections ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 2000,
      // int8 (times in ms, counts) as numbers: every value we store is far below 2^53.
      types: { getTypeParser: (oid, format) => (oid === 20 ? Number : pg.types.getTypeParser(oid, format)) },
    });
    // An idle client whose server went away emits here; the next query gets a fresh connection.
    pool.on('error', () => {});
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, dialect: 'postgres', displayUrl: redactUrl(url), close: () => db.destroy() };
  }
  throw new DatabaseUrlError(url);
}

/** Prepared statements kept per SQL text (Kysely asks for a new one per query; preparing is ~13% of a read's CPU). */
const STATEMENT_CACHE_SIZE = 500;

/**
 * better-sqlite3 behind Kysely, reusing prepared statements (least recently used ones dropped past the cap). Safe
 * because better-sqlite3 runs each statement to completion synchronously; Kysely's streaming path (iterate) is not
 * used here.
 */
function cachingStatements(sqlite: SQLite.Database): Pick<SQLite.Database, 'prepare' | 'close'> {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare: ((sql: string) => {
      let statement = cache.get(sql);
      if (statement) {
        cache.delete(sql);
      } else {
        statement = sqlite.prepare(sql);
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      }
      cache.set(sql, statement);
      return statement;
    }) as SQLite.Database['prepare'],
  };
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@');
}
