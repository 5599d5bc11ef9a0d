/**
 * A contact whose messages come under two conversation keys (a username-only user, keyed by
 * BSUID, who later shows a phone) is still one conversation for locking on PostgreSQL: the
 * worker takes the contact's own key too, the one its timers, HTTP results and operators lock.
 */
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PHONE_NUMBER_ID, eventually, queryCount, startHarness, type Harness } from '../support/harness.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../support/services.js';

describe.skipIf(!postgresAvailable)('conversation keys of one contact, on PostgreSQL', () => {
  let database: TestDatabase;
  let h: Harness;

  beforeAll(async () => {
    database = await createTestDatabase();
    h = await startHarness({ env: { DATABASE_URL: database.url } });
    await h.createUser();
  });
  afterAll(async () => {
    await h?.close();
    await database?.drop();
  });

  const stored = (wamid: string) => queryCount(h, sql`select count(*)::int as n from "Message" where "waMessageId" = ${wamid}`);

  it("waits for the lock of the contact's own key when a message comes under another", async () => {
    const userId = 'US.77710020030040050060';
    const first = await h.simulator.userSends(PHONE_NUMBER_ID, null, { type: 'text', body: 'hi' }, { userId });
    await eventually(async () => (await stored(first.wamid)) === 1);

    // Someone holds the contact's own conversation (its key is the BSUID it was first seen with).
    const holder = new pg.Client({ connectionString: database.url });
    await holder.connect();
    try {
      await holder.query('begin');
      await holder.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [`conversation:${PHONE_NUMBER_ID}|${userId}`]);
      const second = await h.simulator.userSends(PHONE_NUMBER_ID, '15557771234', { type: 'text', body: 'with a phone now' }, { userId });
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(await stored(second.wamid)).toBe(0);
      await holder.query('commit');
      await eventually(async () => (await stored(second.wamid)) === 1);
    } finally {
      await holder.end();
    }
  });
});
