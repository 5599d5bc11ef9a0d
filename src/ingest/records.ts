/** Webhook records → inbox rows. Messages and statuses wait for the worker; the rest is kept as ignored. */
import type { NewInboundEvent } from '../db/repositories/inbox.js';
import type { WebhookRecord } from '../whatsapp/inbound.js';

export function toInboxRow(record: WebhookRecord): NewInboundEvent {
  switch (record.kind) {
    case 'message':
    case 'status':
      return {
        dedupeKey: record.dedupeKey,
        kind: record.kind,
        phoneNumberId: record.phoneNumberId,
        contactKey: record.contactKey,
        wamid: record.data.wamid,
        occurredAt: new Date(record.data.timestamp),
        payload: record.data,
        state: 'pending',
        reason: null,
      };
    case 'ignored':
      return {
        dedupeKey: record.dedupeKey,
        kind: 'ignored',
        phoneNumberId: record.phoneNumberId,
        contactKey: null,
        wamid: null,
        occurredAt: null,
        // A JSON null would be written as SQL NULL, which the column refuses (a `null` in a batch
        // once made the whole POST fail): it is kept as the JSON string "null".
        payload: record.data ?? 'null',
        state: 'ignored',
        reason: record.reason,
      };
  }
}
