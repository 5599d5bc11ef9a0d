/**
 * Scaled mode under faults, with real processes: Redis going away and coming back, and a worker
 * stopped with SIGTERM in the middle of a burst.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { echoFlow } from '../fixtures/flows.js';
import { eventually } from '../support/harness.js';
import { privateRedis } from '../support/private-redis.js';
import { startScaledWorld, type ScaledWorld } from '../support/scaled.js';
import { postgresAvailable } from '../support/services.js';
import { textWebhook, wamid } from '../support/webhooks.js';

describe.skipIf(!postgresAvailable)('scaled mode under faults', () => {
  let world: ScaledWorld;
  afterEach(() => world.close());

  /** A serve and `workers` workers on a Redis of the test's own, with an echo flow. */
  async function cluster(redisUrl: string, workers: number) {
    world = await startScaledWorld({ redisUrl });
    const env = world.env({ SWEEP_INTERVAL_MS: '500', SHUTDOWN_TIMEOUT_MS: '10000' });
    const started = await world.cluster({ serves: 1, workers, env });
    await world.tenant(started.serves[0]!.url, { trigger: 'default', definition: echoFlow('{{input}}') });
    return { serve: started.serves[0]!, workers: started.workers, simulator: world.simulator };
  }

  it('stores webhooks while Redis is down, reports not ready, and drains the backlog when it returns', async () => {
    const redis = await privateRedis();
    await redis.start();
    try {
      const { serve, simulator } = await cluster(redis.url, 1);
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
      const { workers, simulator } = await cluster(redis.url, 2);
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
