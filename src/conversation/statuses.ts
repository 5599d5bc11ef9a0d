/**
 * Delivery statuses, applied forward only. The decision is made by the database (the update
 * only matches rows in an allowed previous status), so concurrent webhooks cannot downgrade.
 * A status whose wamid is not recorded yet is kept `unmatched` and applied when the sender
 * records that wamid; a per-wamid lock closes the race between the two.
 */
import type { Db } from '../db/client.js';
import { lockKey, settleEvent, unmatchedStatuses } from '../db/repositories/inbox.js';
import { applyMessageStatus, findMessageByWamid, type MessageRow } from '../db/repositories/messages.js';
import type { StatusRecordData } from '../whatsapp/inbound.js';
import { MESSAGE_STATUSES, advanceStatus, mapWhatsAppStatus, type MessageStatus } from '../whatsapp/status.js';

export type StatusResult =
  | { kind: 'applied'; message: MessageRow }
  | { kind: 'stale'; current: string }
  | { kind: 'unknown' };

const predecessors = new Map<MessageStatus, MessageStatus[]>(
  MESSAGE_STATUSES.map((target) => [target, MESSAGE_STATUSES.filter((from) => advanceStatus(from, target) !== null)]),
);

export function wamidLockKey(wamid: string): string {
  return `wamid:${wamid}`;
}

export async function applyStatus(tx: Db, userId: string, data: StatusRecordData, at: Date): Promise<StatusResult> {
  await lockKey(tx, wamidLockKey(data.wamid));
  const status = mapWhatsAppStatus(data.status);
  const message = await applyMessageStatus(tx, {
    userId,
    wamid: data.wamid,
    status,
    error: status === 'Failed' ? data.error : null,
    at,
    from: predecessors.get(status) ?? [],
  });
  if (message) return { kind: 'applied', message };
  const existing = await findMessageByWamid(tx, userId, data.wamid);
  return existing ? { kind: 'stale', current: existing.status } : { kind: 'unknown' };
}

/** Called right after a wamid is recorded (the caller holds its lock): applies early statuses. */
export async function applyEarlyStatuses(tx: Db, userId: string, wamid: string, at: Date): Promise<MessageRow[]> {
  const applied: MessageRow[] = [];
  for (const event of await unmatchedStatuses(tx, wamid)) {
    const result = await applyStatus(tx, userId, event.payload as StatusRecordData, at);
    if (result.kind === 'applied') applied.push(result.message);
    await settleEvent(tx, event.id, 'done', result.kind === 'applied' ? 'applied once the wamid was recorded' : 'stale');
  }
  return applied;
}
