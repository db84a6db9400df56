import { silentLogger } from '@glint/media-core';
import { Platform } from '@glint/platform';
import { createTestDatabase, TEST_DIALECTS, type TestDatabase } from '@glint/testkit/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe.each(TEST_DIALECTS)('stream keys on %s', (dialect) => {
  let database: TestDatabase;
  let platform: Platform;
  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    platform = await Platform.open({ databaseUrl: database.url, logger: silentLogger, reconnectGraceMs: 100 });
  });
  afterAll(async () => {
    await platform.close();
    await database.drop();
  });

  it('a generated key carries 128 random bits, verifies once stored, and is stored only as a digest', async () => {
    const key = await platform.seedChannel('alice', 'Alice');
    expect(key).toMatch(/^live_alice_[A-Za-z0-9_-]{22}$/);
    expect(await platform.streamKeys.verify(key)).toEqual({ id: 'alice', displayName: 'Alice' });
    const rows = await platform.database.db.selectFrom('stream_keys').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(key);
    expect(await platform.streamKeys.verify(`${key.slice(0, -1)}x`)).toBeNull();
  });

  it('rotating makes the old key fail and tells ingest; revoking leaves none', async () => {
    const invalidated: string[] = [];
    platform.events.keyInvalidated.add((e) => invalidated.push(`${e.channel}:${e.reason}`));
    const first = await platform.seedChannel('bob', 'Bob');
    const second = await platform.streamKeys.rotate('bob');
    expect(await platform.streamKeys.verify(first)).toBeNull();
    expect(await platform.streamKeys.verify(second)).toEqual({ id: 'bob', displayName: 'Bob' });
    expect(await platform.streamKeys.revoke('bob')).toBe(true);
    expect(await platform.streamKeys.verify(second)).toBeNull();
    expect(await platform.streamKeys.revoke('bob')).toBe(false);
    expect(invalidated).toEqual(['bob:rotated', 'bob:revoked']);
  });

  it('a chosen key shorter than 16 characters is refused with its code', async () => {
    await expect(platform.seedChannel('carol', 'Carol', 'short')).rejects.toMatchObject({
      code: 'STREAM_KEY_TOO_SHORT',
    });
  });

  it('re-seeding with the same chosen key (a restart) keeps it valid', async () => {
    const key = 'demo-key-chosen-by-operator';
    await platform.seedChannel('dave', 'Dave', key);
    await platform.seedChannel('dave', 'Dave', key);
    expect(await platform.streamKeys.verify(key)).toEqual({ id: 'dave', displayName: 'Dave' });
  });
});
