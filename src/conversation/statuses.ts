/**
 * Statuses that arrived before their message's wamid was recorded (Meta's webhook can overtake
 * the send's answer): the status batch left them `unmatched`; the sender applies them right
 * after recording the wamid, in the same transaction, under the same wamid lock.
 */
import type { Db } from '../db/client.js';
import { unmatchedStatuses } from '../db/repositories/inbox.js';
import type { MessageRow } from '../db/repositories/messages.js';
import { settleEvents, updateMessageStatuses } from '../db/repositories/statuses.js';
import type { StatusRecordData } from '../whatsapp/inbound.js';
import { advanceStatus, mapWhatsAppStatus, type MessageStatus } from '../whatsapp/status.js';

export function wamidLockKey(wamid: string): string {
  return `wamid:${wamid}`;
}

/** Returns the message as it is after its early statuses (unchanged when there were none). */
export async function applyEarlyStatuses(tx: Db, sent: MessageRow, phoneNumberId: string, at: Date): Promise<MessageRow> {
  if (!sent.waMessageId) return sent;
  const early = (await unmatchedStatuses(tx, sent.waMessageId)).filter((event) => event.phoneNumberId === phoneNumberId);
  if (early.length === 0) return sent;
  let status = sent.status as MessageStatus;
  let error: string | null = sent.error;
  for (const event of early) {
    const data = event.payload as StatusRecordData;
    const next = advanceStatus(status, mapWhatsAppStatus(data.status));
    if (next === null) continue;
    status = next;
    error = next === 'Failed' ? data.error : null;
  }
  await settleEvents(
    tx,
    early.map((event) => ({ id: event.id, state: 'done', reason: 'applied once the wamid was recorded' })),
    at,
  );
  if (status === sent.status) return sent;
  const [updated] = await updateMessageStatuses(tx, [{ id: sent.id, status, error }], at);
  return updated ?? sent;
}
