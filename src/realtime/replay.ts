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
/**
 * At most this many are read back; when there are more within COMMIT_SKEW_MS (a burst), one just
 * before them may not be among them, and the client is told to reload instead.
 */
export const COMMIT_SKEW_ROWS = 1_000;

export interface Replay {
  events: InboxEvent[];
  /**
   * False when the client should reload instead: more events exist than one page, the last one
   * it saw is gone (pruned after EVENTS_RETENTION_DAYS, so some after it may be too), or more
   * were written just before it than the look-back reads.
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
  const lookBackCut = before.length >= COMMIT_SKEW_ROWS;
  const complete = after.length <= REPLAY_PAGE && !anchorGone && !lookBackCut;
  return { events: [...before, ...after.slice(0, REPLAY_PAGE)].map(inboxEvent), complete };
}
