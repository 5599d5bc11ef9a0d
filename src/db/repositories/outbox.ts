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

export type HeadClaim =
  | { kind: 'claimed'; item: OutboxItem }
  | { kind: 'empty' }
  /** Not due yet, or another sender holds it: look again then. */
  | { kind: 'wait'; until: Date };

/**
 * Claims the head of a contact's queue for `owner` until `leaseUntil`. Only the head can be
 * claimed, and the next message becomes the head only once this one is settled, so sends stay
 * in order even with several senders; a sender that dies leaves a lease that simply expires.
 */
export async function claimHead(db: Db, contactId: string, owner: string, now: Date, leaseUntil: Date): Promise<HeadClaim> {
  return db.transaction(async (tx) => {
    const [head] = await tx
      .select({
        outboxId: outbox.id,
        attempts: outbox.attempts,
        nextAttemptAt: outbox.nextAttemptAt,
        leaseUntil: outbox.leaseUntil,
        leaseOwner: outbox.leaseOwner,
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
      .limit(1)
      .for('update', { of: outbox });
    if (!head) return { kind: 'empty' };
    if (head.nextAttemptAt > now) return { kind: 'wait', until: head.nextAttemptAt };
    if (head.leaseUntil && head.leaseUntil > now && head.leaseOwner !== owner) return { kind: 'wait', until: head.leaseUntil };
    await tx.update(outbox).set({ leaseUntil, leaseOwner: owner }).where(eq(outbox.id, head.outboxId));
    const { leaseUntil: _lease, leaseOwner: _owner, ...item } = head;
    return { kind: 'claimed', item };
  });
}

export async function deferOutbox(db: Db, id: number, attempts: number, nextAttemptAt: Date, error: string): Promise<void> {
  await db
    .update(outbox)
    .set({ attempts, nextAttemptAt, lastError: error, leaseUntil: null, leaseOwner: null })
    .where(eq(outbox.id, id));
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
