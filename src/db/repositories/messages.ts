import { and, desc, eq, inArray, lt } from 'drizzle-orm';
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
const insertRows = statement(
  'message_insert',
  `with inserted as (
     insert into "Message" (${newMessages.columns}) ${newMessages.select('$1')}
     on conflict ("waMessageId") do nothing returning ${selectList(messages)}
   ), queued as (
     insert into outbox (message_id, user_id, contact_id)
     select "id", "userId", "contactId" from inserted where "direction" = 'outbound' order by "createdAt"
   )
   select * from inserted order by "createdAt"`,
);

/**
 * Inserts Messages and queues the outbound ones for sending (the outbox), in one statement; a
 * row whose wamid is already stored is skipped (unique waMessageId), which is how a duplicate
 * inbound message shows: it is missing from the result.
 */
export async function insertMessages(db: Db, rows: readonly NewMessage[]): Promise<MessageRow[]> {
  if (rows.length === 0) return [];
  const now = Date.now();
  // Strictly increasing createdAt keeps a change's messages in order when listed.
  const stamped = rows.map((row, index) => ({ id: newId(), createdAt: new Date(now + index), ...row }));
  return (await insertRows(db, [newMessages.encode(stamped)])).map(readMessage);
}

export async function markMessagesFailed(db: Db, ids: readonly string[], error: string, at: Date): Promise<MessageRow[]> {
  if (ids.length === 0) return [];
  return db
    .update(messages)
    .set({ status: 'Failed', error, statusUpdatedAt: at })
    .where(inArray(messages.id, [...ids]))
    .returning();
}

export async function listContactMessages(
  db: Db,
  userId: string,
  contactId: string,
  page: { before: Date | null; limit: number },
): Promise<MessageRow[]> {
  return db
    .select()
    .from(messages)
    .where(
      and(
        eq(messages.userId, userId),
        eq(messages.contactId, contactId),
        page.before ? lt(messages.createdAt, page.before) : undefined,
      ),
    )
    .orderBy(desc(messages.createdAt))
    .limit(page.limit);
}
