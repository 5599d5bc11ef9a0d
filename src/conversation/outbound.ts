/**
 * The Messages of a change: the inbound message (if any) and the step's replies, recorded in one
 * statement, the replies Pending and queued in the outbox, in the same transaction as the session
 * change — a reply is never sent without being recorded and never lost once the step commits.
 */
import type { Db } from '../db/client.js';
import { insertMessages, type MessageRow, type NewMessage } from '../db/repositories/messages.js';
import { outboundPreview, type OutboundMessage } from '../whatsapp/outbound.js';

export interface Recipient {
  userId: string;
  contactId: string;
}

export interface Reply {
  sessionId: string | null;
  content: OutboundMessage;
}

export interface Recorded {
  /** Null when a Message with the inbound wamid already existed. */
  inbound: MessageRow | null;
  outbound: MessageRow[];
}

export async function recordMessages(
  tx: Db,
  to: Recipient,
  inbound: Omit<NewMessage, 'userId' | 'contactId'> | null,
  replies: readonly Reply[],
): Promise<Recorded> {
  const outgoing: NewMessage[] = replies.map(({ sessionId, content }) => ({
    direction: 'outbound',
    type: content.type,
    content: outboundPreview(content),
    payload: content,
    status: 'Pending',
    contactId: to.contactId,
    userId: to.userId,
    sessionId,
  }));
  const rows = await insertMessages(tx, inbound ? [{ ...inbound, ...to }, ...outgoing] : outgoing);
  const outbound = rows.filter((row) => row.direction === 'outbound');
  return { inbound: rows.find((row) => row.direction === 'inbound') ?? null, outbound };
}
