/**
 * An operator's reply taken by a `serve --no-worker` process is sent by a worker process at once
 * (announced through the queue, not left for the periodic sweep).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, describe } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { questionFlow } from '../fixtures/flows.js';
import { ACCESS_TOKEN, APP_SECRET, PHONE_NUMBER_ID, adminClient, apiClient, eventually, serviceEnv } from '../support/harness.js';
import { startServiceProcess, type ServiceProcess } from '../support/process.js';
import { REDIS_URL, createTestDatabase, scaledModeAvailable, testRedisPrefix, type TestDatabase } from '../support/services.js';

describe.skipIf(!scaledModeAvailable)('operator replies in scaled mode', () => {
  let database: TestDatabase;
  let simulator: Simulator;
  let dataDir: string;
  const processes: ServiceProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    simulator = await startSimulator({ appSecret: APP_SECRET, phoneNumbers: { [PHONE_NUMBER_ID]: { accessToken: ACCESS_TOKEN } } });
    dataDir = mkdtempSync(join(tmpdir(), 'waflow-operator-'));
  });
  afterAll(async () => {
    await Promise.all(processes.map((process) => process.stop('SIGKILL')));
    await simulator.close();
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('sends an operator message queued by a serve process within seconds', async () => {
    const env = { ...serviceEnv(dataDir, simulator.url), DATABASE_URL: database.url, REDIS_URL, REDIS_PREFIX: testRedisPrefix(), SWEEP_INTERVAL_MS: '60000' };
    const serve = await startServiceProcess(['serve', '--no-worker'], env);
    processes.push(serve, await startServiceProcess(['worker'], env));
    simulator.setWebhookUrl(`${serve.url}/webhooks/whatsapp`);
    const api = apiClient(serve.url);
    const { apiKey } = await adminClient(api).createUser();
    await adminClient(api).createFlow(apiKey, { trigger: 'default', definition: questionFlow });

    const phone = '15558200001';
    await simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: 'hello' });
    await eventually(() => simulator.sent.some((m) => m.to === phone), 20_000);
    const contacts = await api<{ contacts: Array<{ id: string; phone: string }> }>('GET', '/api/v1/contacts', undefined, apiKey);
    const contactId = contacts.body.contacts.find((c) => c.phone === phone)!.id;

    expect((await api('POST', `/api/v1/contacts/${contactId}/takeover`, {}, apiKey)).status).toBe(200);
    const sentAt = Date.now();
    expect((await api('POST', `/api/v1/contacts/${contactId}/messages`, { text: 'Hi, a person here.' }, apiKey)).status).toBe(201);
    const reply = await eventually(() => simulator.sent.find((m) => m.to === phone && (m.body.text as { body?: string } | undefined)?.body === 'Hi, a person here.'), 20_000);
    expect(reply.time - sentAt).toBeLessThan(10_000);
  }, 90_000);
});
