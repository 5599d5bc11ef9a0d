/**
 * Housekeeping: the realtime log and the settled part of the inbox would grow forever. Old rows
 * are deleted in small batches (short transactions, no long locks). Inbox rows are kept well past
 * Meta's 7-day redelivery window, because their dedupe keys are what makes a late redelivery a
 * no-op.
 */
import type { Logger } from 'pino';
import type { Db } from '../db/client.js';
import { pruneEvents, pruneInbox } from '../db/repositories/retention.js';

export interface RetentionSettings {
  eventsDays: number;
  inboxDays: number;
}

const DAY_MS = 24 * 60 * 60_000;
const BATCH = 5_000;

export async function pruneOnce(db: Db, settings: RetentionSettings, now: number): Promise<{ events: number; inbox: number }> {
  const drain = async (prune: (before: Date, limit: number) => Promise<number>, days: number) => {
    let total = 0;
    for (let deleted = BATCH; deleted === BATCH; total += deleted) deleted = await prune(new Date(now - days * DAY_MS), BATCH);
    return total;
  };
  return {
    events: await drain((before, limit) => pruneEvents(db, before, limit), settings.eventsDays),
    inbox: await drain((before, limit) => pruneInbox(db, before, limit), settings.inboxDays),
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
