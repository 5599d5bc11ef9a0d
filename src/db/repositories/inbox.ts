import { and, asc, eq, ne, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { inboundEvents } from '../schema.js';

export type InboundEventRow = typeof inboundEvents.$inferSelect;
export type NewInboundEvent = Omit<typeof inboundEvents.$inferInsert, 'id' | 'receivedAt' | 'processedAt'>;

/** Inbox event states: `pending` waits for the worker; the others are final but `unmatched`. */
export type InboundEventState = 'pending' | 'done' | 'ignored' | 'failed' | 'unmatched';

/** Inserts the rows, dropping redeliveries atomically; returns the dedupe keys that were new. */
export async function insertInboundEvents(db: Db, rows: readonly NewInboundEvent[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const inserted = await db
    .insert(inboundEvents)
    .values([...rows])
    .onConflictDoNothing({ target: inboundEvents.dedupeKey })
    .returning({ dedupeKey: inboundEvents.dedupeKey });
  return new Set(inserted.map((row) => row.dedupeKey));
}

/**
 * Serialises work on one conversation across processes for the rest of the transaction.
 * The same mechanism guards a wamid between the sender and the status handler.
 */
export async function lockKey(db: Db, key: string): Promise<void> {
  await db.execute(sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`);
}

/** A conversation's oldest pending events (statuses excepted: they are applied in batches). */
export async function nextPendingEvents(db: Db, phoneNumberId: string, contactKey: string, limit: number): Promise<InboundEventRow[]> {
  return db
    .select()
    .from(inboundEvents)
    .where(
      and(
        eq(inboundEvents.phoneNumberId, phoneNumberId),
        eq(inboundEvents.contactKey, contactKey),
        eq(inboundEvents.state, 'pending'),
        ne(inboundEvents.kind, 'status'),
      ),
    )
    .orderBy(asc(inboundEvents.occurredAt), asc(inboundEvents.id))
    .limit(limit);
}

export async function settleEvent(db: Db, id: number, state: InboundEventState, reason: string | null): Promise<void> {
  await db
    .update(inboundEvents)
    .set({ state, reason, processedAt: new Date() })
    .where(eq(inboundEvents.id, id));
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
