/**
 * What a reconnecting client missed: the user's events after the last sequence number it saw,
 * at most a page of them. Sequence numbers are taken when an event is written, not when its
 * transaction commits, so a few events just before that number may have been published after
 * it: those are sent again too, and the client ignores sequence numbers it has already seen.
 */
import type { Db } from '../db/client.js';
import { eventsJustBefore, eventsSince } from '../db/repositories/events.js';
import { inboxEvent, type InboxEvent } from './events.js';

export const REPLAY_PAGE = 500;
/** Longer than any transaction that writes events. */
const COMMIT_SKEW_MS = 10_000;
const COMMIT_SKEW_ROWS = 200;

export interface Replay {
  events: InboxEvent[];
  /**
   * False when the client should reload instead: more events exist than one page, or the last
   * one it saw is gone (pruned after EVENTS_RETENTION_DAYS, so some after it may be too).
   */
  complete: boolean;
}

export async function replayEvents(db: Db, userId: string, afterSeq: number): Promise<Replay> {
  const [before, after] = await Promise.all([
    afterSeq > 0 ? eventsJustBefore(db, userId, afterSeq, COMMIT_SKEW_MS, COMMIT_SKEW_ROWS) : [],
    eventsSince(db, userId, afterSeq, REPLAY_PAGE + 1),
  ]);
  // `before` holds the last seen event itself whenever it still exists.
  const anchorGone = afterSeq > 0 && before.length === 0;
  const complete = after.length <= REPLAY_PAGE && !anchorGone;
  return { events: [...before, ...after.slice(0, REPLAY_PAGE)].map(inboxEvent), complete };
}
