/**
 * The operator console's view of conversations: one row per contact with its last message,
 * unread count, latest session and flow name; and the read marks behind the unread counts.
 */
import { and, desc, eq, lt, max, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { contacts, conversationReads, flows, messages, sessions } from '../schema.js';

/** Counting stops here: a console shows "99+" rather than paying for a long count. */
export const UNREAD_COUNT_CAP = 100;

export interface ConversationRow {
  contact: typeof contacts.$inferSelect;
  lastMessage: {
    id: string;
    direction: string;
    type: string;
    content: string | null;
    status: string;
    error: string | null;
    createdAt: Date;
  } | null;
  unread: number;
  session: { id: string; status: string; currentNodeId: string | null; flowId: string; flowName: string } | null;
}

/** Sessions in one of `liveStatuses` (the conversation's owner) sort first. */
const liveFirst = (liveStatuses: readonly string[]) =>
  sql`${sessions.status} in (${sql.join(
    liveStatuses.map((status) => sql`${status}`),
    sql`, `,
  )}) desc`;

/** A user's conversations, latest activity first (or the one contact asked for). */
export async function listConversations(
  db: Db,
  userId: string,
  page: { limit: number; offset: number; contactId?: string },
  liveStatuses: readonly string[],
): Promise<ConversationRow[]> {
  const lastMessage = db
    .select({
      id: messages.id,
      direction: messages.direction,
      type: messages.type,
      content: messages.content,
      status: messages.status,
      error: messages.error,
      createdAt: messages.createdAt,
    })
    .from(messages)
    .where(eq(messages.contactId, contacts.id))
    .orderBy(desc(messages.createdAt))
    .limit(1)
    .as('last_message');
  // As findCurrentSession, with the flow's name.
  const session = db
    .select({
      id: sessions.id,
      status: sessions.status,
      currentNodeId: sessions.currentNodeId,
      flowId: sessions.flowId,
      flowName: sql<string>`${flows.name}`.as('flow_name'),
    })
    .from(sessions)
    .innerJoin(flows, eq(flows.id, sessions.flowId))
    .where(eq(sessions.contactId, contacts.id))
    .orderBy(liveFirst(liveStatuses), desc(sessions.updatedAt))
    .limit(1)
    .as('session');
  const unread = sql<number>`(select count(*)::int from (
      select 1 from ${messages}
      where ${messages.contactId} = ${contacts.id} and ${messages.direction} = 'inbound'
        and (${conversationReads.readUpTo} is null or ${messages.createdAt} > ${conversationReads.readUpTo})
      limit ${UNREAD_COUNT_CAP}) as unread_messages)`.mapWith(Number);

  const rows = await db
    .select({
      contact: contacts,
      lastMessage: {
        id: lastMessage.id,
        direction: lastMessage.direction,
        type: lastMessage.type,
        content: lastMessage.content,
        status: lastMessage.status,
        error: lastMessage.error,
        createdAt: lastMessage.createdAt,
      },
      unread,
      session: {
        id: session.id,
        status: session.status,
        currentNodeId: session.currentNodeId,
        flowId: session.flowId,
        flowName: session.flowName,
      },
    })
    .from(contacts)
    .leftJoin(conversationReads, eq(conversationReads.contactId, contacts.id))
    .leftJoinLateral(lastMessage, sql`true`)
    .leftJoinLateral(session, sql`true`)
    .where(and(eq(contacts.userId, userId), page.contactId === undefined ? undefined : eq(contacts.id, page.contactId)))
    .orderBy(desc(contacts.updatedAt), desc(contacts.id))
    .limit(page.limit)
    .offset(page.offset);
  return rows;
}

/** The contact's live session if it has one, else its latest: what the bot is (or was last) doing. */
export async function findCurrentSession(
  db: Db,
  contactId: string,
  liveStatuses: readonly string[],
): Promise<typeof sessions.$inferSelect | undefined> {
  const [row] = await db
    .select()
    .from(sessions)
    .where(eq(sessions.contactId, contactId))
    .orderBy(liveFirst(liveStatuses), desc(sessions.updatedAt))
    .limit(1);
  return row;
}

/**
 * Everything up to the conversation's newest message is read. Returns that message's time when
 * the mark moved forward, null when there was nothing new to read.
 */
export async function markConversationRead(db: Db, contactId: string): Promise<Date | null> {
  const [latest] = await db.select({ at: max(messages.createdAt) }).from(messages).where(eq(messages.contactId, contactId));
  const at = latest?.at ?? null;
  if (at === null) return null;
  const moved = await db
    .insert(conversationReads)
    .values({ contactId, readUpTo: at })
    .onConflictDoUpdate({
      target: conversationReads.contactId,
      set: { readUpTo: at },
      setWhere: lt(conversationReads.readUpTo, at),
    })
    .returning({ readUpTo: conversationReads.readUpTo });
  return moved.length > 0 ? at : null;
}

/** An operator acted on the conversation: it moves to the top of the list. */
export async function touchContact(db: Db, contactId: string, at: Date): Promise<void> {
  await db.update(contacts).set({ updatedAt: at }).where(eq(contacts.id, contactId));
}
