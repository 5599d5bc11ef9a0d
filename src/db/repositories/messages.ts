import { and, desc, eq, inArray, lt } from 'drizzle-orm';
import type { Db } from '../client.js';
import { newId } from '../ids.js';
import { messages } from '../schema.js';

export type MessageRow = typeof messages.$inferSelect;
export type NewMessage = Omit<typeof messages.$inferInsert, 'id'>;

/** Returns null when a Message with this wamid already exists (unique waMessageId). */
export async function insertInboundMessage(db: Db, message: NewMessage): Promise<MessageRow | null> {
  const [row] = await db
    .insert(messages)
    .values({ id: newId(), ...message })
    .onConflictDoNothing({ target: messages.waMessageId })
    .returning();
  return row ?? null;
}

export async function insertMessages(db: Db, rows: readonly NewMessage[]): Promise<MessageRow[]> {
  if (rows.length === 0) return [];
  const now = Date.now();
  // Strictly increasing createdAt keeps a step's messages in send order when listed.
  return db
    .insert(messages)
    .values(rows.map((row, index) => ({ id: newId(), createdAt: new Date(now + index), ...row })))
    .returning();
}

/** The Graph API accepted the message: remember its wamid (statuses refer to it). */
export async function markMessageSent(db: Db, id: string, wamid: string, at: Date): Promise<MessageRow | undefined> {
  const [row] = await db
    .update(messages)
    .set({ waMessageId: wamid, status: 'Sent', statusUpdatedAt: at, error: null })
    .where(eq(messages.id, id))
    .returning();
  return row;
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
