/**
 * Delivery statuses are applied in batches, outside the per-conversation path: a status only
 * moves one Message forward, and "forward" does not depend on the order statuses are applied in,
 * so nothing is gained by queueing them behind a conversation's messages. One batch reads the
 * current statuses, folds each message's incoming statuses in arrival order through the
 * forward-only rule, and writes the results, the settled events and the realtime events in a
 * handful of statements. A status whose wamid is not recorded yet stays `unmatched` until the
 * sender records it (the sender and this batch lock the wamid, so neither can miss the other).
 */
import type { Db } from '../db/client.js';
import { recordEvents } from '../db/repositories/events.js';
import {
  claimPendingStatuses,
  lockKeys,
  messagesForStatuses,
  settleEvents,
  updateMessageStatuses,
  type SettledEvent,
  type StatusUpdate,
} from '../db/repositories/statuses.js';
import type { Metrics } from '../observability/metrics.js';
import { messageStatus, type RealtimeEvent } from '../realtime/events.js';
import type { StatusRecordData } from '../whatsapp/inbound.js';
import { advanceStatus, mapWhatsAppStatus, type MessageStatus } from '../whatsapp/status.js';
import { wamidLockKey } from './statuses.js';

export interface StatusApplierDeps {
  db: Db;
  /** Whether wamid locks are needed (several processes share the database). */
  lockWamids: boolean;
  now(): number;
  batchSize: number;
  publish(events: readonly RealtimeEvent[]): void;
  metrics: Pick<Metrics, 'inboxEvents'>;
}

export interface StatusApplier {
  /** Applies pending statuses batch after batch until none is left or `signal` aborts. */
  drain(signal: AbortSignal): Promise<void>;
}

interface Target {
  id: string;
  status: MessageStatus;
  phoneNumberId: string | null;
  error: string | null;
  changed: boolean;
}

export function createStatusApplier(deps: StatusApplierDeps): StatusApplier {
  const applyBatch = async (): Promise<number> => {
    const at = new Date(deps.now());
    const { claimed, settled, events } = await deps.db.transaction(async (tx) => {
      const pending = await claimPendingStatuses(tx, deps.batchSize);
      const statuses = pending.map((event) => ({ event, data: event.payload as StatusRecordData }));
      const wamids = statuses.map(({ data }) => data.wamid);
      if (deps.lockWamids) await lockKeys(tx, wamids.map(wamidLockKey));
      const targets = new Map<string, Target>(
        (await messagesForStatuses(tx, wamids)).map((row) => [
          row.waMessageId,
          { id: row.id, status: row.status as MessageStatus, phoneNumberId: row.phoneNumberId, error: null, changed: false },
        ]),
      );
      const settledEvents: SettledEvent[] = statuses.map(({ event, data }) => {
        const target = targets.get(data.wamid);
        if (!target || target.phoneNumberId !== event.phoneNumberId) {
          return { id: event.id, state: 'unmatched', reason: 'no message with this wamid yet' };
        }
        const incoming = mapWhatsAppStatus(data.status);
        const next = advanceStatus(target.status, incoming);
        if (next === null) return { id: event.id, state: 'done', reason: `not forward: message is ${target.status}` };
        Object.assign(target, { status: next, error: next === 'Failed' ? data.error : null, changed: true });
        return { id: event.id, state: 'done', reason: null };
      });
      const updates: StatusUpdate[] = [...targets.values()].filter((target) => target.changed);
      const updated = await updateMessageStatuses(tx, updates, at);
      await settleEvents(tx, settledEvents, at);
      return { claimed: pending.length, settled: settledEvents, events: await recordEvents(tx, updated.map(messageStatus)) };
    });
    for (const event of settled) deps.metrics.inboxEvents.inc({ kind: 'status', state: event.state });
    deps.publish(events);
    return claimed;
  };

  return {
    async drain(signal) {
      while (!signal.aborted && (await applyBatch()) === deps.batchSize);
    },
  };
}
