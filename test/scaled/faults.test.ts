/**
 * Scaled mode under faults, with real processes: Redis going away and coming back, and a worker
 * stopped with SIGTERM in the middle of a burst.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { echoFlow } from '../fixtures/flows.js';
import { ACCESS_TOKEN, APP_SECRET, PHONE_NUMBER_ID, adminClient, apiClient, eventually, serviceEnv } from '../support/harness.js';
import { privateRedis } from '../support/private-redis.js';
import { startServiceProcess, type ServiceProcess } from '../support/process.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../support/services.js';
import { textWebhook, wamid } from '../support/webhooks.js';

describe.skipIf(!postgresAvailable)('scaled mode under faults', () => {
  let database: TestDatabase;
  let simulator: Simulator;
  let dataDir: string;
  const processes: ServiceProcess[] = [];

  beforeEach(async () => {
    database = await createTestDatabase();
    simulator = await startSimulator({ appSecret: APP_SECRET, phoneNumbers: { [PHONE_NUMBER_ID]: { accessToken: ACCESS_TOKEN } } });
    dataDir = mkdtempSync(join(tmpdir(), 'waflow-faults-'));
  });
  afterEach(async () => {
    await Promise.all(processes.splice(0).map((process) => process.stop('SIGKILL')));
    await simulator.close();
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const environment = (redisUrl: string) => ({
    ...serviceEnv(dataDir, simulator.url),
    DATABASE_URL: database.url,
    REDIS_URL: redisUrl,
    SWEEP_INTERVAL_MS: '500',
    SHUTDOWN_TIMEOUT_MS: '10000',
  });

  async function cluster(redisUrl: string, workers: number) {
    const env = environment(redisUrl);
    const serve = await startServiceProcess(['serve', '--no-worker'], env);
    const started = await Promise.all(Array.from({ length: workers }, () => startServiceProcess(['worker'], env)));
    processes.push(serve, ...started);
    simulator.setWebhookUrl(`${serve.url}/webhooks/whatsapp`);
    const admin = adminClient(apiClient(serve.url));
    const { apiKey } = await admin.createUser();
    await admin.createFlow(apiKey, { trigger: 'default', definition: echoFlow('{{input}}') });
    return { serve, workers: started };
  }

  it('stores webhooks while Redis is down, reports not ready, and drains the backlog when it returns', async () => {
    const redis = await privateRedis();
    await redis.start();
    try {
      const { serve } = await cluster(redis.url, 1);
      await redis.stop();
      const phones = Array.from({ length: 20 }, (_, i) => `1555800${String(i).padStart(4, '0')}`);
      const answer = await simulator.postWebhook(textWebhook(phones.map((from) => ({ from, wamid: wamid('redis-down'), body: 'queued' }))));
      expect(answer.status).toBe(200);
      expect((await fetch(`${serve.url}/ready`)).status).toBe(503);

      await redis.start();
      await eventually(async () => (await fetch(`${serve.url}/ready`)).status === 200, 20_000);
      await eventually(() => phones.every((phone) => simulator.sent.some((m) => m.to === phone)), 30_000);
      for (const phone of phones) expect(simulator.sent.filter((m) => m.to === phone)).toHaveLength(1);
    } finally {
      await redis.stop();
    }
  }, 90_000);

  it('lets a worker stop with SIGTERM mid-burst: it exits 0 and the other worker finishes the rest', async () => {
    const redis = await privateRedis();
    await redis.start();
    try {
      const { workers } = await cluster(redis.url, 2);
      const phones = Array.from({ length: 100 }, (_, i) => `1555810${String(i).padStart(4, '0')}`);
      const answer = await simulator.postWebhook(textWebhook(phones.map((from) => ({ from, wamid: wamid('sigterm'), body: 'burst' }))));
      expect(answer.status).toBe(200);
      const started = Date.now();
      expect(await workers[0]!.stop('SIGTERM')).toBe(0);
      expect(Date.now() - started).toBeLessThan(10_000);
      await eventually(() => phones.every((phone) => simulator.sent.some((m) => m.to === phone)), 60_000);
      for (const phone of phones) expect(simulator.sent.filter((m) => m.to === phone)).toHaveLength(1);
    } finally {
      await redis.stop();
    }
  }, 120_000);
});
