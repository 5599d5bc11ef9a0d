import { and, desc, eq, inArray, lt, or } from 'drizzle-orm';
import type { Db } from '../client.js';
import { newId } from '../ids.js';
import { messages } from '../schema.js';
import { recordset, rowReader, selectList, statement } from '../statement.js';

export type MessageRow = typeof messages.$inferSelect;
export type NewMessage = Omit<typeof messages.$inferInsert, 'id'>;

const newMessages = recordset(messages, [
  'id', 'waMessageId', 'direction', 'type', 'content', 'payload', 'status', 'error', 'statusUpdatedAt', 'createdAt', 'contactId', 'userId', 'sessionId',
]);
const readMessage = rowReader(messages);
// The outbox's ids follow the rows' createdAt, so replies are sent in the order they were written.
// With a lease ($2 owner, $3 until), the first queued row of a contact that had none queued is
// leased to that sender as it is inserted: it is the head of the contact's queue, so the sender
// can send it without claiming it first (`outbox_claim_head`).
const insertRows = statement<Record<string, unknown> & { leasedOutboxId: number | string | null }>(
  'message_insert',
  `with inserted as (
     insert into "Message" (${newMessages.columns}) ${newMessages.select('$1')}
     on conflict ("waMessageId") do nothing returning ${selectList(messages)}
   ), outgoing as (
     select "id", "userId", "contactId", "createdAt",
       $2::text is not null and row_number() over (partition by "contactId" order by "createdAt") = 1
         and not exists (select 1 from outbox o where o.contact_id = inserted."contactId") as head
     from inserted where "direction" = 'outbound'
   ), queued as (
     insert into outbox (message_id, user_id, contact_id, lease_owner, lease_until)
     select "id", "userId", "contactId", case when head then $2 end, case when head then $3::timestamptz end
     from outgoing order by "createdAt"
     returning id, message_id, lease_owner
   )
   select inserted.*, q.id as "leasedOutboxId"
   from inserted left join queued q on q.message_id = inserted."id" and q.lease_owner is not null
   order by inserted."createdAt"`,
);

/** A sender's lease on the head of a contact's queue, taken as its messages are queued. */
export interface HeadLease {
  owner: string;
  until: Date;
}

export interface InsertedMessages {
  rows: MessageRow[];
  /** The outbound message leased with `lease` (the head of its contact's queue), and its outbox row. */
  leased: { message: MessageRow; outboxId: number } | null;
}

/**
 * Inserts Messages and queues the outbound ones for sending (the outbox), in one statement; a
 * row whose wamid is already stored is skipped (unique waMessageId), which is how a duplicate
 * inbound message shows: it is missing from the result.
 */
export async function insertMessages(db: Db, rows: readonly NewMessage[]): Promise<MessageRow[]> {
  return (await insertMessagesLeasing(db, rows, null)).rows;
}

/** `insertMessages`, leasing the head of the contact's queue to `lease` when it is one of these. */
export async function insertMessagesLeasing(db: Db, rows: readonly NewMessage[], lease: HeadLease | null): Promise<InsertedMessages> {
  if (rows.length === 0) return { rows: [], leased: null };
  const now = Date.now();
  // Strictly increasing createdAt keeps a change's messages in order when listed.
  const stamped = rows.map((row, index) => ({ id: newId(), createdAt: new Date(now + index), ...row }));
  const raw = await insertRows(db, [newMessages.encode(stamped), lease?.owner ?? null, lease?.until.toISOString() ?? null]);
  const inserted = raw.map((row) => ({ message: readMessage(row), leasedOutboxId: row.leasedOutboxId }));
  const head = inserted.find((row) => row.leasedOutboxId !== null);
  return {
    rows: inserted.map((row) => row.message),
    leased: head ? { message: head.message, outboxId: Number(head.leasedOutboxId) } : null,
  };
}

export async function markMessagesFailed(db: Db, ids: readonly string[], error: string, at: Date): Promise<MessageRow[]> {
  if (ids.length === 0) return [];
  return db
    .update(messages)
    .set({ status: 'Failed', error, statusUpdatedAt: at })
    .where(inArray(messages.id, [...ids]))
    .returning();
}

/**
 * A contact's messages, newest first, a page at a time. Messages can share a timestamp, so a page
 * is cut at a message, not at a time: `before` with `beforeId` (the last message of the previous
 * page) continues exactly after it; `before` alone takes what is strictly older.
 */
export async function listContactMessages(
  db: Db,
  userId: string,
  contactId: string,
  page: { before: Date | null; beforeId: string | null; limit: number },
): Promise<MessageRow[]> {
  return db
    .select()
    .from(messages)
    .where(and(eq(messages.userId, userId), eq(messages.contactId, contactId), olderThan(page.before, page.beforeId)))
    .orderBy(desc(messages.createdAt), desc(messages.id))
    .limit(page.limit);
}

function olderThan(before: Date | null, beforeId: string | null) {
  if (before === null) return undefined;
  const earlier = lt(messages.createdAt, before);
  return beforeId === null ? earlier : or(earlier, and(eq(messages.createdAt, before), lt(messages.id, beforeId)));
}
