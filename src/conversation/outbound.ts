/**
 * Outbound messages of an engine step: recorded as Pending Messages and queued in the outbox in
 * the same transaction as the session change, so a reply is never sent without being recorded
 * and never lost once the step is committed.
 */
import type { Db } from '../db/client.js';
import { insertMessages, type MessageRow } from '../db/repositories/messages.js';
import { enqueueOutbox } from '../db/repositories/outbox.js';
import { outboundPreview, type OutboundMessage } from '../whatsapp/outbound.js';

export interface Recipient {
  userId: string;
  contactId: string;
}

export interface Reply {
  sessionId: string | null;
  content: OutboundMessage;
}

export async function queueOutbound(tx: Db, to: Recipient, replies: readonly Reply[]): Promise<MessageRow[]> {
  const rows = await insertMessages(
    tx,
    replies.map(({ sessionId, content }) => ({
      direction: 'outbound',
      type: content.type,
      content: outboundPreview(content),
      payload: content,
      status: 'Pending',
      contactId: to.contactId,
      userId: to.userId,
      sessionId,
    })),
  );
  await enqueueOutbox(
    tx,
    rows.map((row) => ({ messageId: row.id, userId: to.userId, contactId: to.contactId })),
  );
  return rows;
}
