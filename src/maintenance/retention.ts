/**
 * Housekeeping: the realtime log and the settled part of the inbox would grow forever. Old rows
 * are deleted in small batches (short transactions, no long locks). Inbox rows are kept well past
 * Meta's 7-day redelivery window, because their dedupe keys are what makes a late redelivery a
 * no-op.
 */
import type { Logger } from 'pino';
import type { Db } from '../db/client.js';
import { firstEventIdFrom, firstInboxIdFrom, pruneEvents, pruneInbox } from '../db/repositories/retention.js';

export interface RetentionSettings {
  eventsDays: number;
  inboxDays: number;
}

const DAY_MS = 24 * 60 * 60_000;
const BATCH = 5_000;

type Prune = (db: Db, before: Date, untilId: number, limit: number) => Promise<number>;

export async function pruneOnce(db: Db, settings: RetentionSettings, now: number): Promise<{ events: number; inbox: number }> {
  /** Batch after batch, below the first young row's id (found once: see `firstEventIdFrom`). */
  const drain = async (firstIdFrom: (db: Db, before: Date) => Promise<number>, prune: Prune, days: number) => {
    const before = new Date(now - days * DAY_MS);
    const untilId = await firstIdFrom(db, before);
    let total = 0;
    for (let deleted = BATCH; deleted === BATCH; total += deleted) deleted = await prune(db, before, untilId, BATCH);
    return total;
  };
  return {
    events: await drain(firstEventIdFrom, pruneEvents, settings.eventsDays),
    inbox: await drain(firstInboxIdFrom, pruneInbox, settings.inboxDays),
  };
}

/** Prunes now and then every `everyMs`; returns the stop function. */
export function scheduleRetention(db: Db, settings: RetentionSettings, log: Logger, everyMs: number): () => void {
  const run = () =>
    pruneOnce(db, settings, Date.now()).then(
      (pruned) => {
        if (pruned.events + pruned.inbox > 0) log.info(pruned, 'old events pruned');
      },
      (error: unknown) => log.warn({ err: error }, 'pruning old events failed; will try again'),
    );
  void run();
  const timer = setInterval(() => void run(), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
