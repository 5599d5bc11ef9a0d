/**
 * The embedded database's client, on a real (in-memory) PGlite: a webhook's statement waits for at
 * most the background call in progress, not for every conversation queued before it; the
 * background queue survives a failing call; and the parsers drizzle sends with every query are
 * the client's own, so dropping them changes no answer.
 */
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { withClientParsers } from '../../src/db/pglite-parsers.js';
import { takingTurns } from '../../src/db/turns.js';

const BACKGROUND_TRANSACTIONS = 8;

let client: PGlite;

beforeAll(async () => {
  client = await PGlite.create();
});
afterAll(async () => {
  await client.close();
});

/**
 * Queues background transactions that each take a while, then, once the first has started, one
 * direct statement (the webhook's). Returns how many background transactions finished before it.
 */
async function backgroundDoneBeforeDirect(background: Pick<PGlite, 'transaction'>): Promise<number> {
  let done = 0;
  let firstStarted!: () => void;
  const started = new Promise<void>((resolve) => (firstStarted = resolve));
  const queued = Array.from({ length: BACKGROUND_TRANSACTIONS }, () =>
    background.transaction(async (tx) => {
      firstStarted();
      await tx.query('select count(*) from generate_series(1, 50000)');
      done += 1;
    }),
  );
  await started;
  await client.query('select 1');
  const finishedBefore = done;
  await Promise.all(queued);
  return finishedBefore;
}

it('lets a direct statement in after the background call in progress', async () => {
  expect(await backgroundDoneBeforeDirect(takingTurns(withClientParsers(client)))).toBeLessThanOrEqual(1);
});

it('is needed: PGlite alone serves the direct statement after every queued transaction', async () => {
  expect(await backgroundDoneBeforeDirect(client)).toBe(BACKGROUND_TRANSACTIONS);
});

it('runs background calls one after another, in order, past a failing one', async () => {
  const background = takingTurns(withClientParsers(client));
  const order: number[] = [];
  const calls = [1, 2, 3].map((n) =>
    background.transaction(async (tx) => {
      await tx.query(n === 2 ? 'select * from no_such_table' : 'select 1');
      order.push(n);
      return n;
    }),
  );
  const results = await Promise.allSettled(calls);
  expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  expect(order).toEqual([1, 3]);
  const { rows } = await background.query<{ answer: number }>('select 42 as answer');
  expect(rows).toEqual([{ answer: 42 }]);
});

it('answers through the client\'s parsers exactly as drizzle\'s per-query parsers did', async () => {
  const shared = await PGlite.create();
  try {
    const query = sql`select timestamptz '2026-01-02 03:04:05+00' as at, date '2026-01-02' as day,
      interval '1 day' as span, array[timestamp '2026-01-02 03:04:05'] as ats, 1.5::numeric as amount, '{"a":1}'::jsonb as doc`;
    const viaDrizzle = await drizzle(client).execute(query);
    const sharedClient = withClientParsers(shared) as unknown as PGlite;
    const viaClient = await drizzle({ client: sharedClient }).execute(query);
    expect(viaClient.rows).toEqual(viaDrizzle.rows);
    expect(viaClient.rows[0]).toMatchObject({ at: '2026-01-02 03:04:05+00', day: '2026-01-02', doc: { a: 1 } });
    const inTransaction = await drizzle({ client: sharedClient }).transaction((tx) => tx.execute(query));
    expect(inTransaction.rows).toEqual(viaDrizzle.rows);
  } finally {
    await shared.close();
  }
});
