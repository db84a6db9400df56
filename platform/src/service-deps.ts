import type { Logger } from '@glint/media-core';
import type { Kysely } from 'kysely';
import type { Dialect } from './db/open-database.ts';
import type { Database } from './db/schema.ts';
import type { PlatformEvents } from './events/platform-events.ts';

/** What every platform service is built from: the database, one clock, a logger and the event bus. */
export interface ServiceDeps {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  /** Wall clock in ms; tests pass their own. */
  readonly nowMs: () => number;
  readonly logger: Logger;
  readonly events: PlatformEvents;
}
