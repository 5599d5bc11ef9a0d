/**
 * Every process on one database must use the same ENCRYPTION_KEY: one started with another key
 * (or, beside others, with the one generated in its own DATA_DIR) refuses to start, saying so,
 * instead of storing tokens no other process can read.
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { startHarness } from '../support/harness.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../support/services.js';
import { freshDataDir } from '../support/data-dir.js';

const KEY_A = 'a'.repeat(64);
const KEY_B = 'b'.repeat(64);

describe('one encryption key per database', () => {
  const dataDir = freshDataDir('key-check');
  let database: TestDatabase | null = null;
  afterAll(async () => {
    rmSync(dataDir, { recursive: true, force: true });
    await database?.drop();
  });

  it('refuses another key on the embedded database, and starts again with the first', async () => {
    await (await startHarness({ dataDir, env: { ENCRYPTION_KEY: KEY_A } })).close({ keepData: true });
    await expect(startHarness({ dataDir, env: { ENCRYPTION_KEY: KEY_B } })).rejects.toThrow(/ENCRYPTION_KEY is not the key this database was first used with/);
    await (await startHarness({ dataDir, env: { ENCRYPTION_KEY: KEY_A } })).close({ keepData: true });
  });

  it.skipIf(!postgresAvailable)('refuses a process whose key is generated in its own DATA_DIR beside one with another key', async () => {
    database = await createTestDatabase();
    const first = await startHarness({ env: { DATABASE_URL: database.url, ENCRYPTION_KEY: KEY_A } });
    try {
      // Another folder, no ENCRYPTION_KEY: it would generate a key of its own.
      await expect(startHarness({ env: { DATABASE_URL: database.url } })).rejects.toThrow(/set the same ENCRYPTION_KEY/);
    } finally {
      await first.close();
    }
  });
});
