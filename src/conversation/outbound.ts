/**
 * The Messages of a change: the inbound message (if any) and the step's replies, recorded in one
 * statement, the replies Pending and queued in the outbox, in the same transaction as the session
 * change — a reply is never sent without being recorded and never lost once the step commits.
 */
import type { Db } from '../db/client.js';
import { insertMessagesLeasing, type HeadLease, type MessageRow, type NewMessage } from '../db/repositories/messages.js';
import type { LeasedHead } from '../db/repositories/outbox.js';
import { outboundPreview, type OutboundMessage } from '../whatsapp/outbound.js';

export interface Recipient {
  userId: string;
  contactId: string;
  /** Where the replies go (the contact's phone, or BSUID). */
  phone: string;
}

export interface Reply {
  sessionId: string | null;
  content: OutboundMessage;
}

export interface Recorded {
  /** Null when a Message with the inbound wamid already existed. */
  inbound: MessageRow | null;
  outbound: MessageRow[];
  /** Set when `lease` was given and the replies start the contact's queue. */
  head: LeasedHead | null;
}

export async function recordMessages(
  tx: Db,
  to: Recipient,
  inbound: Omit<NewMessage, 'userId' | 'contactId'> | null,
  replies: readonly Reply[],
  lease: HeadLease | null = null,
): Promise<Recorded> {
  const owner = { contactId: to.contactId, userId: to.userId };
  const outgoing: NewMessage[] = replies.map(({ sessionId, content }) => ({
    direction: 'outbound',
    type: content.type,
    content: outboundPreview(content),
    payload: content,
    status: 'Pending',
    ...owner,
    sessionId,
  }));
  const { rows, leased } = await insertMessagesLeasing(tx, inbound ? [{ ...inbound, ...owner }, ...outgoing] : outgoing, lease);
  const outbound = rows.filter((row) => row.direction === 'outbound');
  const head =
    leased && lease
      ? {
          item: {
            outboxId: leased.outboxId,
            attempts: 0,
            nextAttemptAt: leased.message.createdAt,
            messageId: leased.message.id,
            sessionId: leased.message.sessionId,
            payload: leased.message.payload,
            userId: to.userId,
            contactId: to.contactId,
            to: to.phone,
          },
          leaseUntil: lease.until,
        }
      : null;
  return { inbound: rows.find((row) => row.direction === 'inbound') ?? null, outbound, head };
}
