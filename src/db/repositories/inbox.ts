import { and, eq, ne, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { inboundEvents } from '../schema.js';
import { recordset, rowReader, selectList, statement } from '../statement.js';

export type InboundEventRow = typeof inboundEvents.$inferSelect;
export type NewInboundEvent = Omit<typeof inboundEvents.$inferInsert, 'id' | 'receivedAt' | 'processedAt'>;

/**
 * Inbox event states: `pending` waits for the worker; the others are final but `unmatched` (a
 * status before its message) and `held` (an HTTP result that came while an operator held the
 * conversation, put back when the session is released).
 */
export type InboundEventState = 'pending' | 'done' | 'ignored' | 'failed' | 'unmatched' | 'held';

const newEvents = recordset(inboundEvents, ['dedupeKey', 'kind', 'phoneNumberId', 'contactKey', 'wamid', 'occurredAt', 'payload', 'state', 'reason']);
const insertEvents = statement(
  'inbox_insert',
  `insert into inbound_events (${newEvents.columns}) ${newEvents.select('$1')}
   on conflict (dedupe_key) do nothing returning dedupe_key`,
);

/** Inserts the rows, dropping redeliveries atomically; returns the dedupe keys that were new. */
export async function insertInboundEvents(db: Db, rows: readonly NewInboundEvent[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const inserted = await insertEvents(db, [newEvents.encode(rows)]);
  return new Set(inserted.map((row) => String(row.dedupe_key)));
}

/**
 * Serialises work on one conversation across processes for the rest of the transaction.
 * The same mechanism guards a wamid between the sender and the status handler.
 */
const lockStatement = statement('lock_key', 'select pg_advisory_xact_lock(hashtextextended($1, 0))');

export async function lockKey(db: Db, key: string): Promise<void> {
  await lockStatement(db, [key]);
}

const readEvent = rowReader(inboundEvents);
const selectPending = statement(
  'inbox_next_pending',
  `select ${selectList(inboundEvents)} from inbound_events
   where phone_number_id = $1 and contact_key = $2 and state = 'pending' and kind <> 'status'
   order by occurred_at, id limit $3`,
);

/** A conversation's oldest pending events (statuses excepted: they are applied in batches). */
export async function nextPendingEvents(db: Db, phoneNumberId: string, contactKey: string, limit: number): Promise<InboundEventRow[]> {
  return (await selectPending(db, [phoneNumberId, contactKey, limit])).map(readEvent);
}

/** The update that settles an inbox event; `settleWithEvents` builds on it. */
export const SETTLE_EVENT_SQL = 'update inbound_events set state = $1, reason = $2, processed_at = $3 where id = $4';
const settle = statement('inbox_settle', SETTLE_EVENT_SQL);

export async function settleEvent(db: Db, id: number, state: InboundEventState, reason: string | null, at: Date): Promise<void> {
  await settle(db, [state, reason, at.toISOString(), id]);
}

/**
 * Puts a `held` event back in its conversation's queue, with `patch` merged into its payload's
 * top level; returns its conversation, or null when no such event is held.
 */
export async function requeueHeldEvent(
  db: Db,
  dedupeKey: string,
  patch: Record<string, unknown>,
): Promise<{ phoneNumberId: string | null; contactKey: string | null } | null> {
  const [row] = await db
    .update(inboundEvents)
    .set({ state: 'pending', reason: null, processedAt: null, payload: sql`${inboundEvents.payload} || ${JSON.stringify(patch)}::jsonb` })
    .where(and(eq(inboundEvents.dedupeKey, dedupeKey), eq(inboundEvents.state, 'held')))
    .returning({ phoneNumberId: inboundEvents.phoneNumberId, contactKey: inboundEvents.contactKey });
  return row ?? null;
}

/** Conversations with events still to process (after a restart or a crash); statuses go in batches. */
export async function pendingConversations(db: Db): Promise<Array<{ phoneNumberId: string; contactKey: string }>> {
  const rows = await db
    .selectDistinct({ phoneNumberId: inboundEvents.phoneNumberId, contactKey: inboundEvents.contactKey })
    .from(inboundEvents)
    .where(and(eq(inboundEvents.state, 'pending'), ne(inboundEvents.kind, 'status')));
  return rows.flatMap((row) =>
    row.phoneNumberId !== null && row.contactKey !== null
      ? [{ phoneNumberId: row.phoneNumberId, contactKey: row.contactKey }]
      : [],
  );
}

export async function countEventsByState(db: Db): Promise<Record<string, number>> {
  const rows = await db
    .select({ state: inboundEvents.state, count: sql<number>`count(*)::int` })
    .from(inboundEvents)
    .groupBy(inboundEvents.state);
  return Object.fromEntries(rows.map((row) => [row.state, Number(row.count)]));
}
