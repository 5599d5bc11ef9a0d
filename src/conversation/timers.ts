/**
 * The timer poller: sessions whose timer is due (a delay ended, a wait timed out) get a `timer`
 * event in their conversation's inbox, so the timer runs through the same ordered path as a
 * message and survives restarts. Claiming clears the session's `nextTimerAt` in the same
 * transaction, and the event's dedupe key makes a double claim harmless.
 */
import type { Logger } from 'pino';
import type { Db } from '../db/client.js';
import { insertInboundEvents } from '../db/repositories/inbox.js';
import { claimDueTimers } from '../db/repositories/sessions.js';
import { conversationKey } from './keys.js';
import { timerEvent } from './session-events.js';

export interface TimerPollerDeps {
  db: Db;
  log: Logger;
  now(): number;
  notify(keys: Iterable<string>): Promise<void>;
  intervalMs: number;
  batchSize?: number;
}

export interface TimerPoller {
  /** Claims every due timer now; resolves with how many were claimed. */
  poll(): Promise<number>;
  start(): void;
  stop(): void;
}

export function createTimerPoller(deps: TimerPollerDeps): TimerPoller {
  const batchSize = deps.batchSize ?? 500;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<number> | null = null;

  const claimBatch = async (): Promise<number> => {
    const keys = await deps.db.transaction(async (tx) => {
      const due = await claimDueTimers(tx, new Date(deps.now()), batchSize);
      await insertInboundEvents(tx, due.map(timerEvent));
      return due.flatMap((row) => (row.phoneNumberId ? [conversationKey({ phoneNumberId: row.phoneNumberId, contactKey: row.contactKey })] : []));
    });
    await deps.notify(keys);
    return keys.length;
  };

  const poll = async (): Promise<number> => {
    let total = 0;
    for (let claimed = batchSize; claimed === batchSize; total += claimed) claimed = await claimBatch();
    return total;
  };

  return {
    poll: () => (running ??= poll().finally(() => (running = null))),
    start() {
      timer = setInterval(() => {
        this.poll().catch((error: unknown) => deps.log.warn({ err: error }, 'timer poll failed; will try again'));
      }, deps.intervalMs);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
