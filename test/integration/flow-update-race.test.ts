/**
 * Two updates of one flow at once, a definition with lint errors saved while the flow is Draft
 * and the flow set Active: whichever commits second is refused, so the flow never ends up Active
 * with lint errors. The check runs on the row as updated, in the update's transaction: on the
 * embedded database (one transaction at a time) with concurrent requests; on PostgreSQL with the
 * first update's transaction held open while the activation waits for its row.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { menuFlow } from '../fixtures/flows.js';
import { eventually, startHarness, type Harness } from '../support/harness.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../support/services.js';

/** Four buttons where WhatsApp allows three: it parses, it can be a Draft, never Active. */
const withLintErrors = structuredClone(menuFlow);
(withLintErrors.nodes.find((node) => node.id === 'menu')!.data as { buttons: Array<{ id: string; title: string }> }).buttons.push({ id: 'fourth', title: 'Fourth' });

type FlowAnswer = { status: string; definition: unknown; lint?: { errors: unknown[] }; error?: { code: string } };

/** A Draft flow with a definition that has no lint errors; its id. */
async function draftFlow(h: Harness, apiKey: string): Promise<string> {
  return (await h.createFlow(apiKey, { trigger: 'race', status: 'Draft', definition: menuFlow })).id;
}

/** The flow as the API shows it: never Active with lint errors. */
async function expectNotActiveWithErrors(h: Harness, apiKey: string, flowId: string): Promise<FlowAnswer> {
  const flow = (await h.api<FlowAnswer>('GET', `/api/v1/flows/${flowId}`, undefined, apiKey)).body;
  if (flow.status === 'Active') expect(flow.lint?.errors).toEqual([]);
  return flow;
}

describe('embedded database', () => {
  let h: Harness;
  let apiKey: string;
  beforeAll(async () => {
    h = await startHarness();
    apiKey = (await h.createUser()).apiKey;
  });
  afterAll(() => h.close());

  it('refuses one of a concurrent save with lint errors and activation, every time', async () => {
    for (let round = 0; round < 10; round++) {
      const flowId = await draftFlow(h, apiKey);
      const patch = (body: unknown) => h.api<FlowAnswer>('PATCH', `/api/v1/flows/${flowId}`, body, apiKey);
      const answers = await Promise.all([patch({ definition: withLintErrors }), patch({ status: 'Active' })]);
      expect(answers.map((answer) => answer.status).sort(), `round ${round}`).toEqual([200, 400]);
      expect(answers.find((answer) => answer.status === 400)!.body.error?.code).toBe('lint_failed');
      await expectNotActiveWithErrors(h, apiKey, flowId);
    }
  });
});

describe.skipIf(!postgresAvailable)('PostgreSQL', () => {
  let database: TestDatabase;
  let h: Harness;
  let apiKey: string;
  const clients: pg.Client[] = [];
  const connect = async () => {
    const client = new pg.Client({ connectionString: database.url });
    clients.push(client);
    await client.connect();
    return client;
  };
  beforeAll(async () => {
    database = await createTestDatabase();
    h = await startHarness({ env: { DATABASE_URL: database.url } });
    apiKey = (await h.createUser()).apiKey;
  });
  afterAll(async () => {
    for (const client of clients) await client.end();
    await h?.close();
    await database?.drop();
  });

  it('refuses an activation that waited for a save with lint errors, checking the definition that save committed', async () => {
    const flowId = await draftFlow(h, apiKey);
    const saving = await connect();
    const watching = await connect();
    // A save of a definition with lint errors (the flow stays Draft), written but not committed.
    await saving.query('begin');
    await saving.query(`update "Flow" set definition = $1, version = version + 1 where id = $2`, [JSON.stringify(withLintErrors), flowId]);
    const activation = h.api<FlowAnswer>('PATCH', `/api/v1/flows/${flowId}`, { status: 'Active' }, apiKey);
    // The activation has checked whatever it reads first and now waits for the flow's row.
    await eventually(async () => {
      const { rows } = await watching.query(`select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query ilike 'update "Flow"%'`);
      return rows.length > 0;
    });
    await saving.query('commit');
    const refused = await activation;
    expect(refused.status).toBe(400);
    expect(refused.body.error?.code).toBe('lint_failed');
    const flow = await expectNotActiveWithErrors(h, apiKey, flowId);
    expect(flow).toMatchObject({ status: 'Draft', definition: withLintErrors });
  });
});
