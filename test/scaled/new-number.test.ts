/**
 * A number onboarded through a serve process is answered by a worker process that saw it unknown
 * a moment before: the worker caches misses, and only the serve process's cache was cleared.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { questionFlow } from '../fixtures/flows.js';
import { PHONE_NUMBER_ID, eventually } from '../support/harness.js';
import { startScaledWorld, type ScaledWorld } from '../support/scaled.js';
import { scaledModeAvailable } from '../support/services.js';

describe.skipIf(!scaledModeAvailable)('a number onboarded in another process', () => {
  let world: ScaledWorld;
  beforeAll(async () => {
    world = await startScaledWorld();
  });
  afterAll(() => world.close());

  async function eventState(wamid: string): Promise<string | undefined> {
    const client = new pg.Client({ connectionString: world.database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ state: string }>('select state from inbound_events where wamid = $1', [wamid]);
      return rows[0]?.state;
    } finally {
      await client.end();
    }
  }

  it('answers its first message although the worker had just cached it as unknown', async () => {
    const { simulator } = world;
    const { serves } = await world.cluster({ serves: 1, workers: 1, env: world.env({ SWEEP_INTERVAL_MS: '60000' }) });
    // Meta delivers for the number before the tenant is created: nobody owns it yet.
    const early = await simulator.userSends(PHONE_NUMBER_ID, '15558300001', { type: 'text', body: 'anyone there?' });
    expect(early.status).toBe(200);
    await eventually(async () => (await eventState(early.wamid)) === 'ignored', 20_000);

    await world.tenant(serves[0]!.url, { trigger: 'default', definition: questionFlow });
    const phone = '15558300002';
    const first = await simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: 'hello' });
    await eventually(() => simulator.sent.some((message) => message.to === phone), 20_000);
    expect(await eventState(first.wamid)).toBe('done');
  }, 90_000);
});
