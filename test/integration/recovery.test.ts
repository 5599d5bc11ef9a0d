/**
 * Nothing answered 200 is lost: events stored while no worker runs are processed after a
 * restart, a closed database answers 503 (so Meta retries), and the retry then succeeds.
 */
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startSimulator } from '../../src/simulator/index.js';
import { echoFlow } from '../fixtures/flows.js';
import { ACCESS_TOKEN, APP_SECRET, PHONE_NUMBER_ID, eventually, queryCount, startHarness } from '../support/harness.js';
import { textWebhook, wamid } from '../support/webhooks.js';

describe('restart with pending events', () => {
  it('processes, after a restart, every event stored while the worker was not running', async () => {
    const simulator = await startSimulator({ appSecret: APP_SECRET, phoneNumbers: { [PHONE_NUMBER_ID]: { accessToken: ACCESS_TOKEN } } });
    const first = await startHarness({ simulator, worker: false });
    const { apiKey } = await first.createUser();
    await first.createFlow(apiKey, { trigger: 'default', definition: echoFlow('got it') });
    const phones = Array.from({ length: 5 }, (_, i) => `1555444000${i}`);
    for (const from of phones) {
      expect((await simulator.postWebhook(textWebhook([{ from, wamid: wamid('restart'), body: 'hello' }]))).status).toBe(200);
    }
    expect(await queryCount(first, sql`select count(*)::int as n from inbound_events where state = 'pending'`)).toBe(5);
    expect(simulator.sent).toHaveLength(0);
    await first.close({ keepData: true, keepSimulator: true });

    const second = await startHarness({ simulator, dataDir: first.dataDir });
    try {
      await eventually(() => phones.every((phone) => simulator.sent.some((m) => m.to === phone)));
      expect(simulator.sent).toHaveLength(5);
      expect(await queryCount(second, sql`select count(*)::int as n from inbound_events where state = 'pending'`)).toBe(0);
    } finally {
      await second.close();
      await simulator.close();
    }
  });
});

describe('database unavailable', () => {
  it('answers 503 while the database is closed, and the redelivery succeeds after restart', async () => {
    const simulator = await startSimulator({ appSecret: APP_SECRET, phoneNumbers: { [PHONE_NUMBER_ID]: { accessToken: ACCESS_TOKEN } } });
    const first = await startHarness({ simulator });
    const { apiKey } = await first.createUser();
    await first.createFlow(apiKey, { trigger: 'default', definition: echoFlow('back online') });
    const body = textWebhook([{ from: '15554440100', wamid: wamid('outage'), body: 'hello' }]);

    await first.waflow.database.close();
    expect((await simulator.postWebhook(body)).status).toBe(503);
    const ready = await fetch(`${first.url}/ready`);
    expect(ready.status).toBe(503);
    await first.close({ keepData: true, keepSimulator: true }).catch(() => {});

    const second = await startHarness({ simulator, dataDir: first.dataDir });
    try {
      expect((await simulator.postWebhook(body)).status).toBe(200);
      await eventually(() => simulator.sent.some((m) => m.to === '15554440100'));
      expect(simulator.sent.filter((m) => m.to === '15554440100')).toHaveLength(1);
    } finally {
      await second.close();
      await simulator.close();
    }
  });

  it('refuses a second process on the same DATA_DIR with a clear message', async () => {
    const first = await startHarness();
    try {
      await expect(startHarness({ dataDir: first.dataDir, simulator: first.simulator })).rejects.toThrow(/in use by process \d+/);
    } finally {
      await first.close();
    }
  });
});
