/**
 * The inbox's group commit on the real (embedded) database: requests that share an INSERT do not
 * share a failure, and a request too large for one INSERT is stored whole or not at all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { NewInboundEvent } from '../../src/db/repositories/inbox.js';
import { createInboxWriter } from '../../src/ingest/inbox-writer.js';
import { openTempDatabase, type TempDatabase } from '../support/temp-database.js';

let temp: TempDatabase;
beforeAll(async () => {
  temp = await openTempDatabase('inbox-writer');
});
afterAll(() => temp.remove());

const row = (key: string, occurredAt = new Date()): NewInboundEvent => ({
  dedupeKey: key,
  kind: 'message',
  phoneNumberId: '100',
  contactKey: '15550001',
  wamid: key,
  occurredAt,
  payload: { key },
  state: 'pending',
  reason: null,
});
/** A time PostgreSQL refuses as written (a six-digit year): the INSERT holding it fails. */
const unstorable = new Date(Date.UTC(10_000, 0, 1));

async function storedKeys(prefix: string): Promise<string[]> {
  const result = await temp.database.db.execute<{ dedupe_key: string }>(
    sql`select dedupe_key from inbound_events where dedupe_key like ${`${prefix}%`} order by dedupe_key`,
  );
  return (result as unknown as { rows: Array<{ dedupe_key: string }> }).rows.map((stored) => stored.dedupe_key);
}

describe('inbox writer', () => {
  it('fails only the request whose rows cannot be stored, not the others in its INSERT', async () => {
    const writer = createInboxWriter(temp.database.inboxDb);
    const [good, bad, alsoGood] = await Promise.allSettled([
      writer.write([row('shared-a1'), row('shared-a2')]),
      writer.write([row('shared-b1', unstorable)]),
      writer.write([row('shared-c1')]),
    ]);
    expect(good).toEqual({ status: 'fulfilled', value: new Set(['shared-a1', 'shared-a2']) });
    expect(bad?.status).toBe('rejected');
    expect(alsoGood).toEqual({ status: 'fulfilled', value: new Set(['shared-c1']) });
    expect(await storedKeys('shared-')).toEqual(['shared-a1', 'shared-a2', 'shared-c1']);
  });

  it('stores a request split over several INSERTs whole or not at all', async () => {
    const writer = createInboxWriter(temp.database.inboxDb, 2);
    const rows = [row('split-1'), row('split-2'), row('split-3'), row('split-4'), row('split-5', unstorable)];
    await expect(writer.write(rows)).rejects.toThrow();
    expect(await storedKeys('split-')).toEqual([]);
    // Meta retries without the bad row: every row is new, so every conversation is notified.
    expect(await writer.write(rows.slice(0, 4))).toEqual(new Set(['split-1', 'split-2', 'split-3', 'split-4']));
  });
});
