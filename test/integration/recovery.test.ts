/**
 * Nothing answered 200 is lost: a process killed with -9 while events wait leaves them pending,
 * and the next start processes each exactly once; a closed database answers 503 (so Meta
 * retries), and the retry then succeeds.
 */
import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../../src/db/client.js';
import { startSimulator } from '../../src/simulator/index.js';
import { echoFlow } from '../fixtures/flows.js';
import { ACCESS_TOKEN, APP_SECRET, PHONE_NUMBER_ID, adminClient, apiClient, eventually, serviceEnv, startHarness } from '../support/harness.js';
import { startServiceProcess } from '../support/process.js';
import { textWebhook, wamid } from '../support/webhooks.js';
import { freshDataDir } from '../support/data-dir.js';

/** Inbound messages still waiting in the inbox (statuses acknowledged during a stop may wait for the next start). */
async function pendingMessagesIn(dataDir: string): Promise<number> {
  const database = await openDatabase({ kind: 'embedded', dataDir });
  try {
    const result = (await database.db.execute(sql`select count(*)::int as n from inbound_events where state = 'pending' and kind = 'message'`)) as unknown as {
      rows: Array<{ n: number }>;
    };
    return Number(result.rows[0]!.n);
  } finally {
    await database.close();
  }
}

describe('crash with pending events', () => {
  it('processes, after kill -9 and a restart, every acknowledged event exactly once', async () => {
    const simulator = await startSimulator({ appSecret: APP_SECRET, phoneNumbers: { [PHONE_NUMBER_ID]: { accessToken: ACCESS_TOKEN } } });
    const dataDir = freshDataDir('crash');
    const env = serviceEnv(dataDir, simulator.url);
    try {
      const first = await startServiceProcess(['serve'], env);
      simulator.setWebhookUrl(`${first.url}/webhooks/whatsapp`);
      const admin = adminClient(apiClient(first.url));
      const { apiKey } = await admin.createUser();
      await admin.createFlow(apiKey, { trigger: 'default', definition: echoFlow('got it') });

      const phones = Array.from({ length: 300 }, (_, i) => `1555444${String(i).padStart(4, '0')}`);
      const answer = await simulator.postWebhook(textWebhook(phones.map((from) => ({ from, wamid: wamid('crash'), body: 'hello' }))));
      expect(answer.status).toBe(200);
      expect(await first.stop('SIGKILL')).toBeNull();

      const pendingAtCrash = await pendingMessagesIn(dataDir);
      expect(pendingAtCrash).toBeGreaterThan(0);

      const second = await startServiceProcess(['serve'], env);
      simulator.setWebhookUrl(`${second.url}/webhooks/whatsapp`);
      try {
        // Generous: this asserts exactly once, not speed, and CI runs suites side by side.
        await eventually(() => phones.every((phone) => simulator.sent.some((m) => m.to === phone)), 60_000);
        for (const phone of phones) expect(simulator.sent.filter((m) => m.to === phone).length, phone).toBe(1);
      } finally {
        expect(await second.stop('SIGTERM')).toBe(0);
      }
      expect(await pendingMessagesIn(dataDir)).toBe(0);
    } finally {
      await simulator.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
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
