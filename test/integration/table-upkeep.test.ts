/**
 * The embedded database's upkeep (it has no autovacuum), on a real PGlite with the migrations
 * applied: a statement planned while its tables were empty keeps a sequential-scan plan for as
 * long as the process lives, until upkeep analyzes the tables; dead rows are vacuumed away; and
 * a running service does this by itself.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { readTableCounts } from '../../src/db/repositories/table-stats.js';
import { upkeepOnce, type Upkeep } from '../../src/maintenance/table-upkeep.js';
import { echoFlow } from '../fixtures/flows.js';
import { eventually, queryCount, startHarness } from '../support/harness.js';
import { openTempDatabase, type TempDatabase } from '../support/temp-database.js';
import { textWebhook, wamid } from '../support/webhooks.js';

let temp: TempDatabase;
let database: Database;

beforeAll(async () => {
  temp = await openTempDatabase('upkeep');
  ({ database } = temp);
});
afterAll(() => temp.remove());

const run = (text: string) => database.db.execute(sql.raw(text)) as unknown as Promise<{ rows: Array<Record<string, unknown>> }>;

/** Upkeep steps until nothing is due; returns them. */
async function upkeepUntilDone(): Promise<Upkeep[]> {
  const done: Upkeep[] = [];
  for (let step = await upkeepOnce(database.db); step; step = await upkeepOnce(database.db)) done.push(step);
  return done;
}

async function cachedPlan(): Promise<string> {
  const { rows } = await run(`explain execute settle('[{"id": 1, "state": "done", "reason": null}]')`);
  return rows.map((row) => Object.values(row)[0]).join('\n');
}

it('replaces the plan a statement got on an empty table once the table has grown', async () => {
  // The status batch's settle, prepared and run while inbound_events is empty, as after a first
  // start. 60,000 rows: below about 30,000, a hash join over a scan of the table is the plan the
  // planner picks for a batch (it takes jsonb_to_recordset for 100 rows) even with fresh statistics.
  await run(`prepare settle(jsonb) as update inbound_events e set state = v.state, reason = v.reason
    from jsonb_to_recordset($1) as v(id bigint, state text, reason text) where e.id = v.id`);
  for (let i = 0; i < 6; i++) await cachedPlan();
  await run(`insert into inbound_events (dedupe_key, kind, phone_number_id, contact_key, wamid, payload, state)
    select 'status:w' || g || ':sent', 'status', 'p1', 'c' || (g % 100), 'w' || g, '{}', 'done' from generate_series(1, 60000) g`);
  expect(await cachedPlan()).toMatch(/Seq Scan on inbound_events/);

  const done = await upkeepUntilDone();
  expect(done).toContainEqual({ table: 'inbound_events', action: 'analyze' });
  expect(await cachedPlan()).toMatch(/Index Scan using inbound_events_pkey/);
  expect(await upkeepOnce(database.db)).toBeNull();
});

it('vacuums a table once a fifth of it is dead rows', async () => {
  await run(`update inbound_events set state = 'ignored' where id % 3 = 0`);
  const before = (await readTableCounts(database.db)).find((t) => t.table === 'inbound_events')!;
  expect(before.dead).toBeGreaterThan(19000);

  expect(await upkeepUntilDone()).toContainEqual({ table: 'inbound_events', action: 'vacuum' });
  const after = (await readTableCounts(database.db)).find((t) => t.table === 'inbound_events')!;
  expect(after.dead).toBe(0);
  expect(after.live).toBe(60000);
});

it('runs by itself in a service on the embedded database', async () => {
  const h = await startHarness();
  try {
    const { apiKey } = await h.createUser();
    await h.createFlow(apiKey, { trigger: 'default', definition: echoFlow('ok') });
    // 60 messages: past the 50-row threshold of the inbox table, so it is due for an analyze.
    const items = Array.from({ length: 60 }, (_, i) => ({ from: `1555777${String(i).padStart(4, '0')}`, wamid: wamid('upkeep'), body: 'hi' }));
    expect((await h.simulator.postWebhook(textWebhook(items))).status).toBe(200);
    await eventually(
      async () => (await queryCount(h, sql`select count(*)::int as n from pg_stat_user_tables where relname = 'inbound_events' and last_analyze is not null`)) === 1,
      15_000,
    );
  } finally {
    await h.close();
  }
}, 30_000);
