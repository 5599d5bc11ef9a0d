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
        payload: record.data ?? null,
        state: 'ignored',
        reason: record.reason,
      };
  }
}
