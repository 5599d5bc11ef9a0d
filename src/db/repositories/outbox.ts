import { asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { contacts, messages, outbox } from '../schema.js';

export type OutboxRow = typeof outbox.$inferSelect;

export interface OutboxItem {
  outboxId: number;
  attempts: number;
  nextAttemptAt: Date;
  messageId: string;
  sessionId: string | null;
  payload: unknown;
  userId: string;
  contactId: string;
  to: string;
}

export async function enqueueOutbox(
  db: Db,
  rows: ReadonlyArray<{ messageId: string; userId: string; contactId: string }>,
): Promise<void> {
  if (rows.length === 0) return;
  await db.insert(outbox).values([...rows]);
}

/** The head of a contact's queue: messages go one after another, in the order they were queued. */
export async function headOfQueue(db: Db, contactId: string): Promise<OutboxItem | undefined> {
  const [row] = await db
    .select({
      outboxId: outbox.id,
      attempts: outbox.attempts,
      nextAttemptAt: outbox.nextAttemptAt,
      messageId: outbox.messageId,
      sessionId: messages.sessionId,
      payload: messages.payload,
      userId: outbox.userId,
      contactId: outbox.contactId,
      to: contacts.phone,
    })
    .from(outbox)
    .innerJoin(messages, eq(messages.id, outbox.messageId))
    .innerJoin(contacts, eq(contacts.id, outbox.contactId))
    .where(eq(outbox.contactId, contactId))
    .orderBy(asc(outbox.id))
    .limit(1);
  return row;
}

export async function deferOutbox(db: Db, id: number, attempts: number, nextAttemptAt: Date, error: string): Promise<void> {
  await db.update(outbox).set({ attempts, nextAttemptAt, lastError: error }).where(eq(outbox.id, id));
}

export async function removeOutbox(db: Db, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await db.delete(outbox).where(inArray(outbox.id, [...ids]));
}

/** Queued messages of one session, oldest first (to cancel them when the session errors). */
export async function queuedForSession(db: Db, sessionId: string): Promise<Array<{ outboxId: number; messageId: string }>> {
  return db
    .select({ outboxId: outbox.id, messageId: outbox.messageId })
    .from(outbox)
    .innerJoin(messages, eq(messages.id, outbox.messageId))
    .where(eq(messages.sessionId, sessionId))
    .orderBy(asc(outbox.id));
}

export async function contactsWithQueuedMessages(db: Db, userId?: string): Promise<string[]> {
  const rows = await db
    .selectDistinct({ contactId: outbox.contactId })
    .from(outbox)
    .where(userId === undefined ? undefined : eq(outbox.userId, userId));
  return rows.map((row) => row.contactId);
}

export async function countOutbox(db: Db): Promise<number> {
  const [row] = await db.select({ count: sql<number>`count(*)::int` }).from(outbox);
  return Number(row?.count ?? 0);
}
