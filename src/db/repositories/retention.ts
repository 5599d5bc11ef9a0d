import { sql } from 'drizzle-orm';
import type { Db } from '../client.js';

type Rows<T> = { rows: T[] };

/** No row is young enough to stop a prune: it may read to the end of the table. */
const NO_BOUNDARY = Number.MAX_SAFE_INTEGER;

/**
 * Ids are taken in insertion order, so creation times follow them: the first row created at or
 * after `before` bounds the rows a prune needs to read. Without the bound, the last batch of each
 * prune read every younger row of the table (none of them match), every hour; with it, a prune
 * reads about what it deletes.
 */
export async function firstEventIdFrom(db: Db, before: Date): Promise<number> {
  const result = (await db.execute(sql`
    select id from events where created_at >= ${before} order by id limit 1`)) as unknown as Rows<{ id: number | string }>;
  return result.rows[0] === undefined ? NO_BOUNDARY : Number(result.rows[0].id);
}

/** Deletes up to `limit` realtime events older than `before` with an id below `untilId`; returns how many. */
export async function pruneEvents(db: Db, before: Date, untilId: number, limit: number): Promise<number> {
  const result = (await db.execute(sql`
    delete from events where id in (
      select id from events where id < ${untilId} and created_at < ${before} order by id limit ${limit}
    ) returning id`)) as unknown as Rows<unknown>;
  return result.rows.length;
}

/** As `firstEventIdFrom`, for the inbox. */
export async function firstInboxIdFrom(db: Db, before: Date): Promise<number> {
  const result = (await db.execute(sql`
    select id from inbound_events where received_at >= ${before} order by id limit 1`)) as unknown as Rows<{ id: number | string }>;
  return result.rows[0] === undefined ? NO_BOUNDARY : Number(result.rows[0].id);
}

/**
 * Deletes up to `limit` settled inbox events received before `before` with an id below `untilId`
 * (pending ones are never touched). Their dedupe keys go with them, so `before` must be older
 * than Meta's redelivery window (7 days).
 */
export async function pruneInbox(db: Db, before: Date, untilId: number, limit: number): Promise<number> {
  const result = (await db.execute(sql`
    delete from inbound_events where id in (
      select id from inbound_events where id < ${untilId} and received_at < ${before} and state <> 'pending' order by id limit ${limit}
    ) returning id`)) as unknown as Rows<unknown>;
  return result.rows.length;
}
