/**
 * Delivery statuses are applied in batches, outside the per-conversation path: a status only
 * moves one Message forward, and "forward" does not depend on the order statuses are applied in,
 * so nothing is gained by queueing them behind a conversation's messages. A batch reads pending
 * statuses with their messages, folds each message's statuses in arrival order through the
 * forward-only rule, and writes messages, settled events and realtime events in one statement;
 * the write is guarded (the message must still be in a status the new one may follow), so
 * batches in several processes cannot undo each other.
 *
 * A status whose wamid is not recorded yet stays `unmatched`; it becomes pending again when the
 * sender records the wamid, or when a later drain finds the pair (the two can commit in either
 * order).
 */
import type { Db } from '../db/client.js';
import { claimPendingStatuses, rematchStatuses, writeStatusBatch, type SettledEvent, type StatusUpdate } from '../db/repositories/statuses.js';
import type { Metrics } from '../observability/metrics.js';
import { messageStatus, type RealtimeEvent } from '../realtime/events.js';
import type { StatusRecordData } from '../whatsapp/inbound.js';
import { MESSAGE_STATUSES, advanceStatus, mapWhatsAppStatus, type MessageStatus } from '../whatsapp/status.js';

export interface StatusApplierDeps {
  db: Db;
  now(): number;
  batchSize: number;
  /** Statuses come in bursts (three per message): waiting this long first makes batches fuller. */
  gatherMs: number;
  publish(events: readonly RealtimeEvent[]): void;
  metrics: Pick<Metrics, 'inboxEvents'>;
}

export interface StatusApplier {
  /** Applies pending statuses batch after batch until none is left or `signal` aborts. */
  drain(signal: AbortSignal): Promise<void>;
  /** Unmatched statuses whose message is known by now become pending; returns how many. */
  rematch(): Promise<number>;
}

/** How far back unmatched statuses are looked at again. */
const REMATCH_WINDOW_MS = 60 * 60_000;

const predecessors = new Map<MessageStatus, MessageStatus[]>(
  MESSAGE_STATUSES.map((target) => [target, MESSAGE_STATUSES.filter((from) => advanceStatus(from, target) !== null)]),
);

interface Fold {
  id: string;
  userId: string;
  contactId: string;
  wamid: string;
  read: MessageStatus;
  status: MessageStatus;
  error: string | null;
}

export function createStatusApplier(deps: StatusApplierDeps): StatusApplier {
  /** One batch; returns how many statuses it claimed and whether any stayed unmatched. */
  const applyBatch = async (): Promise<{ claimed: number; unmatched: boolean }> => {
    const at = new Date(deps.now());
    const { claimed, settled, events } = await deps.db.transaction(async (tx) => {
      const pending = await claimPendingStatuses(tx, deps.batchSize);
      const folds = new Map<string, Fold>();
      const settledEvents: SettledEvent[] = pending.map(({ id, phoneNumberId, payload, message }) => {
        if (!message || message.phoneNumberId !== phoneNumberId) return { id, state: 'unmatched', reason: 'no message with this wamid yet' };
        const data = payload as StatusRecordData;
        const fold = folds.get(message.id) ?? {
          ...message,
          wamid: data.wamid,
          read: message.status as MessageStatus,
          status: message.status as MessageStatus,
          error: null,
        };
        folds.set(message.id, fold);
        const next = advanceStatus(fold.status, mapWhatsAppStatus(data.status));
        if (next === null) return { id, state: 'done', reason: `not forward: message is ${fold.status}` };
        Object.assign(fold, { status: next, error: next === 'Failed' ? data.error : null });
        return { id, state: 'done', reason: null };
      });
      const updates: StatusUpdate[] = [...folds.values()]
        .filter((fold) => fold.status !== fold.read)
        .map((fold) => ({
          id: fold.id,
          status: fold.status,
          error: fold.error,
          from: predecessors.get(fold.status) ?? [],
          event: messageStatus({ id: fold.id, waMessageId: fold.wamid, status: fold.status, error: fold.error, userId: fold.userId, contactId: fold.contactId }),
        }));
      return { claimed: pending.length, settled: settledEvents, events: await writeStatusBatch(tx, updates, settledEvents, at) };
    });
    for (const event of settled) deps.metrics.inboxEvents.inc({ kind: 'status', state: event.state });
    deps.publish(events);
    return { claimed, unmatched: settled.some((event) => event.state === 'unmatched') };
  };

  const rematch = () => rematchStatuses(deps.db, new Date(deps.now() - REMATCH_WINDOW_MS));

  return {
    rematch,
    async drain(signal) {
      await new Promise((resolve) => setTimeout(resolve, deps.gatherMs));
      while (!signal.aborted) {
        const batch = await applyBatch();
        if (batch.claimed === deps.batchSize) continue;
        // A wamid recorded while this batch ran may have missed it: look for such pairs once.
        if (!batch.unmatched || (await rematch()) === 0) return;
      }
    },
  };
}
