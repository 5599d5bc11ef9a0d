import { sql } from 'drizzle-orm';
import type { Db } from '../client.js';

type Rows<T> = { rows: T[] };

/** Deletes up to `limit` realtime events older than `before`; returns how many. */
export async function pruneEvents(db: Db, before: Date, limit: number): Promise<number> {
  const result = (await db.execute(sql`
    delete from events where id in (select id from events where created_at < ${before} order by id limit ${limit})
    returning id`)) as unknown as Rows<unknown>;
  return result.rows.length;
}

/**
 * Deletes up to `limit` settled inbox events received before `before` (pending ones are never
 * touched). Their dedupe keys go with them, so `before` must be older than Meta's redelivery
 * window (7 days).
 */
export async function pruneInbox(db: Db, before: Date, limit: number): Promise<number> {
  const result = (await db.execute(sql`
    delete from inbound_events where id in (
      select id from inbound_events where received_at < ${before} and state <> 'pending' order by id limit ${limit}
    ) returning id`)) as unknown as Rows<unknown>;
  return result.rows.length;
}
