import { and, asc, eq, inArray, isNotNull, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client.js';
import type { NewRealtimeEvent, RealtimeEvent } from '../../realtime/events.js';
import { messages, outbox } from '../schema.js';
import { statement } from '../statement.js';

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

/** The head of a contact's queue, leased to a sender as it was queued: sent without claiming it. */
export interface LeasedHead {
  item: OutboxItem;
  leaseUntil: Date;
}

export type HeadClaim =
  | { kind: 'claimed'; item: OutboxItem }
  | { kind: 'empty' }
  /**
   * Not due yet, or another sender holds it: look again then. A lease can end early (its sender
   * finishes), a retry's due time cannot: `leased` says which.
   */
  | { kind: 'wait'; until: Date; leased: boolean };

const toDate = (value: Date | string): Date => (value instanceof Date ? value : new Date(value));

/**
 * Claims the head of a contact's queue for `owner` until `leaseUntil`, in one statement. Only the
 * head can be claimed, and the next message becomes the head only once this one is settled, so
 * sends stay in order even with several senders; a sender that dies leaves a lease that expires.
 */
const claimHeadRow = statement<Omit<OutboxItem, 'nextAttemptAt'> & { nextAttemptAt: Date | string }>(
  'outbox_claim_head',
  `with head as (
     select id from outbox where contact_id = $1 order by id limit 1 for update
   )
   update outbox o set lease_until = $2, lease_owner = $3
   from head, "Message" m, "Contact" c
   where o.id = head.id and m.id = o.message_id and c.id = o.contact_id
     and o.next_attempt_at <= $4
     and (o.lease_until is null or o.lease_until <= $4 or o.lease_owner = $3)
   returning o.id as "outboxId", o.attempts, o.next_attempt_at as "nextAttemptAt", o.message_id as "messageId",
     m."sessionId", m.payload, o.user_id as "userId", o.contact_id as "contactId", c.phone as "to"`,
);

export async function claimHead(db: Db, contactId: string, owner: string, now: Date, leaseUntil: Date): Promise<HeadClaim> {
  const [row] = await claimHeadRow(db, [contactId, leaseUntil.toISOString(), owner, now.toISOString()]);
  if (row) return { kind: 'claimed', item: { ...row, outboxId: Number(row.outboxId), nextAttemptAt: toDate(row.nextAttemptAt) } };
  // Why not: nothing queued, not due yet, or another sender's lease.
  const [head] = await db
    .select({ nextAttemptAt: outbox.nextAttemptAt, leaseUntil: outbox.leaseUntil })
    .from(outbox)
    .where(eq(outbox.contactId, contactId))
    .orderBy(asc(outbox.id))
    .limit(1);
  if (!head) return { kind: 'empty' };
  const leased = head.leaseUntil !== null && head.leaseUntil > now;
  const leasedUntil = leased ? head.leaseUntil! : now;
  return { kind: 'wait', until: new Date(Math.max(head.nextAttemptAt.getTime(), leasedUntil.getTime(), now.getTime() + 1)), leased };
}

export interface SentWrite {
  outboxId: number;
  contactId: string;
  messageId: string;
  wamid: string;
  at: Date;
  /** The realtime event of the change, stored in the same statement. */
  event: NewRealtimeEvent;
}

/**
 * The Graph API accepted a message, in one statement: the Message gets its wamid and `Sent`, the
 * outbox row goes, the realtime event is stored, and statuses that arrived before the wamid was
 * known (left `unmatched`) go back to pending. Returns the event, whether any status did, and
 * whether the contact has more messages queued (so the sender need not look again when not).
 */
const recordSentRow = statement<{ seq: number | string | null; createdAt: Date | string | null; early: number; more: boolean }>(
  'outbox_record_sent',
  `with sent as (
     update "Message" set "waMessageId" = $1, status = 'Sent', "statusUpdatedAt" = $2, error = null
     where id = $3 returning id
   ), gone as (
     delete from outbox where id = $4
   ), early as (
     update inbound_events set state = 'pending', reason = null where wamid = $1 and state = 'unmatched' returning id
   ), stored as (
     insert into events (user_id, contact_id, type, payload)
     select $5, $6, $7, $8::jsonb from sent
     returning id, created_at
   )
   select (select id from stored) as seq, (select created_at from stored) as "createdAt", (select count(*) from early)::int as early,
     exists (select 1 from outbox where contact_id = $9 and id <> $4) as more`,
);

export async function recordSent(db: Db, write: SentWrite): Promise<{ event: RealtimeEvent | null; earlyStatuses: number; more: boolean }> {
  const { event } = write;
  const params = [write.wamid, write.at.toISOString(), write.messageId, write.outboxId, event.userId, event.contactId, event.type, JSON.stringify(event.payload), write.contactId];
  const [row] = await recordSentRow(db, params);
  const stored = row?.seq !== null && row?.seq !== undefined && row.createdAt !== null ? { ...event, seq: Number(row.seq), createdAt: toDate(row.createdAt) } : null;
  return { event: stored, earlyStatuses: Number(row?.early ?? 0), more: row?.more ?? true };
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

/** A message still in the outbox. */
export interface QueuedMessage {
  outboxId: number;
  messageId: string;
}

const queuedWhere = (db: Db, where: SQL | undefined): Promise<QueuedMessage[]> =>
  db
    .select({ outboxId: outbox.id, messageId: outbox.messageId })
    .from(outbox)
    .innerJoin(messages, eq(messages.id, outbox.messageId))
    .where(where)
    .orderBy(asc(outbox.id));

/** Queued messages of one session, oldest first (to cancel them when the session errors). */
export const queuedForSession = (db: Db, sessionId: string): Promise<QueuedMessage[]> => queuedWhere(db, eq(messages.sessionId, sessionId));

/** A contact's queued bot messages (those of a session), oldest first: an operator's are not. */
export const queuedBotMessages = (db: Db, contactId: string): Promise<QueuedMessage[]> =>
  queuedWhere(db, and(eq(outbox.contactId, contactId), isNotNull(messages.sessionId)));

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
