/**
 * Set-based SQL for delivery statuses: they are applied in batches (one statement per step for
 * hundreds of statuses), because each outbound message brings several of them.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { messages } from '../schema.js';
import type { InboundEventState } from './inbox.js';

export interface PendingStatusEvent {
  id: number;
  phoneNumberId: string | null;
  payload: unknown;
}

type Rows<T> = { rows: T[] };

/** The oldest pending statuses; rows another process is claiming are skipped. */
export async function claimPendingStatuses(db: Db, limit: number): Promise<PendingStatusEvent[]> {
  const result = (await db.execute(sql`
    select id, phone_number_id as "phoneNumberId", payload from inbound_events
    where kind = 'status' and state = 'pending'
    order by occurred_at, id
    limit ${limit}
    for update skip locked`)) as unknown as Rows<PendingStatusEvent>;
  return result.rows.map((row) => ({ ...row, id: Number(row.id) }));
}

/** Advisory locks on many keys in one statement, in a fixed order so two batches cannot deadlock. */
export async function lockKeys(db: Db, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  const sorted = [...new Set(keys)].sort();
  await db.execute(sql`select pg_advisory_xact_lock(hashtextextended(k, 0)) from unnest(${sql.param(sorted)}::text[]) as k order by k`);
}

export interface StatusTarget {
  id: string;
  waMessageId: string;
  status: string;
  /** The business number the message was sent from (statuses must come for that number). */
  phoneNumberId: string | null;
}

export async function messagesForStatuses(db: Db, wamids: readonly string[]): Promise<StatusTarget[]> {
  if (wamids.length === 0) return [];
  const result = (await db.execute(sql`
    select m.id, m."waMessageId", m.status, u."metaPhoneNumberId" as "phoneNumberId"
    from "Message" m join "User" u on u.id = m."userId"
    where m."waMessageId" = any(${sql.param([...wamids])}::text[])
    for update of m`)) as unknown as Rows<StatusTarget>;
  return result.rows;
}

export interface StatusUpdate {
  id: string;
  status: string;
  error: string | null;
}

export async function updateMessageStatuses(db: Db, updates: readonly StatusUpdate[], at: Date): Promise<Array<typeof messages.$inferSelect>> {
  if (updates.length === 0) return [];
  const values = sql.join(
    updates.map((update) => sql`(${update.id}, ${update.status}, ${update.error}::text)`),
    sql`, `,
  );
  return db
    .update(messages)
    .set({ status: sql`v.status`, error: sql`v.error`, statusUpdatedAt: at })
    .from(sql`(values ${values}) as v(id, status, error)`)
    .where(sql`${messages.id} = v.id`)
    .returning();
}

export interface SettledEvent {
  id: number;
  state: InboundEventState;
  reason: string | null;
}

export async function settleEvents(db: Db, settled: readonly SettledEvent[], at: Date): Promise<void> {
  if (settled.length === 0) return;
  const values = sql.join(
    settled.map((event) => sql`(${event.id}::bigint, ${event.state}, ${event.reason}::text)`),
    sql`, `,
  );
  await db.execute(sql`
    update inbound_events e set state = v.state, reason = v.reason, processed_at = ${at}
    from (values ${values}) as v(id, state, reason)
    where e.id = v.id`);
}
