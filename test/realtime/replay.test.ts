/**
 * The replay's bounds, against a real (embedded) database: one page at most, flagged incomplete
 * when more was missed, and the short stretch before the client's last sequence number repeated
 * (an event can be published after one with a higher number).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inArray } from 'drizzle-orm';
import type { Database } from '../../src/db/client.js';
import { events } from '../../src/db/schema.js';
import { recordEvents } from '../../src/db/repositories/events.js';
import { EVENT_TYPES, type NewRealtimeEvent } from '../../src/realtime/events.js';
import { COMMIT_SKEW_ROWS, REPLAY_PAGE, replayEvents } from '../../src/realtime/replay.js';
import { openTempDatabase, type TempDatabase } from '../support/temp-database.js';

let temp: TempDatabase;
let database: Database;

beforeAll(async () => {
  temp = await openTempDatabase('replay');
  ({ database } = temp);
});
afterAll(() => temp.remove());

const event = (userId: string, n: number): NewRealtimeEvent => ({
  userId,
  contactId: `contact-${n}`,
  type: EVENT_TYPES.sessionUpdated,
  payload: { sessionId: `session-${n}`, status: 'Active', contactId: `contact-${n}` },
});

describe('replay', () => {
  it('sends at most one page, in order, and says when more was missed', async () => {
    const recorded = await recordEvents(database.db, Array.from({ length: REPLAY_PAGE + 20 }, (_, n) => event('many', n)));
    await recordEvents(database.db, [event('someone-else', 0)]);

    const first = await replayEvents(database.db, 'many', 0);
    expect(first.complete).toBe(false);
    expect(first.events).toHaveLength(REPLAY_PAGE);
    expect(first.events[0]).toEqual({ type: 'session:updated', payload: { ...recorded[0]!.payload, seq: recorded[0]!.seq } });

    const rest = await replayEvents(database.db, 'many', recorded[REPLAY_PAGE - 1]!.seq);
    expect(rest.complete).toBe(true);
    const after = rest.events.filter((item) => (item.payload.seq as number) > recorded[REPLAY_PAGE - 1]!.seq);
    expect(after.map((item) => item.payload.seq)).toEqual(recorded.slice(REPLAY_PAGE).map((item) => item.seq));
  });

  it('repeats the events just before the last one seen, never another user’s', async () => {
    const recorded = await recordEvents(database.db, [event('few', 1), event('few', 2), event('few', 3)]);
    const replay = await replayEvents(database.db, 'few', recorded[2]!.seq);
    expect(replay).toEqual({ complete: true, events: recorded.map((item) => ({ type: item.type, payload: { ...item.payload, seq: item.seq } })) });
    // Not the user's event: nothing of it, and the client is told to reload.
    expect(await replayEvents(database.db, 'nobody', recorded[2]!.seq)).toEqual({ complete: false, events: [] });
  });

  it('tells a client to reload when the last event it saw was pruned', async () => {
    const recorded = await recordEvents(database.db, [event('away', 1), event('away', 2), event('away', 3)]);
    await database.db.delete(events).where(inArray(events.id, [recorded[0]!.seq, recorded[1]!.seq]));
    const replay = await replayEvents(database.db, 'away', recorded[0]!.seq);
    expect(replay.complete).toBe(false);
    expect(replay.events.map((item) => item.payload.seq)).toEqual([recorded[2]!.seq]);
  });

  it('tells a client to reload when a burst just before its last event is more than the look-back reads', async () => {
    // An event numbered before the burst may have been published after it: the look-back cannot tell.
    const recorded = await recordEvents(database.db, Array.from({ length: COMMIT_SKEW_ROWS + 5 }, (_, n) => event('burst', n)));
    const replay = await replayEvents(database.db, 'burst', recorded.at(-1)!.seq);
    expect(replay.complete).toBe(false);
    expect(replay.events).toHaveLength(COMMIT_SKEW_ROWS);
  });
});
