/**
 * The send token buckets: in memory for one process, in Redis when several processes share a
 * number's throughput and its recipients' pair rate.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createLocalRateLimiter, createRedisRateLimiter, type Bucket } from '../../../src/outbox/rate-limit.js';
import { REDIS_URL, redisAvailable } from '../../support/services.js';

const bucket: Bucket = { key: 'number:100', ratePerSecond: 4, burst: 2 };

describe('local rate limiter', () => {
  it('lets a burst through, then one token per 1/rate seconds', async () => {
    let now = 1_000_000;
    const limiter = createLocalRateLimiter(() => now);
    expect([await limiter.take(bucket), await limiter.take(bucket)]).toEqual([0, 0]);
    expect(await limiter.take(bucket)).toBe(250);
    now += 100;
    expect(await limiter.take(bucket)).toBe(150);
    now += 150;
    expect(await limiter.take(bucket)).toBe(0);
    expect(await limiter.take(bucket)).toBe(250);
  });

  it('refills up to the burst only, and keeps buckets apart', async () => {
    let now = 0;
    const limiter = createLocalRateLimiter(() => now);
    await limiter.take(bucket);
    await limiter.take(bucket);
    now += 60_000;
    const taken = [await limiter.take(bucket), await limiter.take(bucket), await limiter.take(bucket)];
    expect(taken).toEqual([0, 0, 250]);
    expect(await limiter.take({ ...bucket, key: 'number:200' })).toBe(0);
  });
});

describe.skipIf(!redisAvailable)('Redis rate limiter', () => {
  const prefix = `waflow-test-${randomBytes(6).toString('hex')}:`;
  const connections: Redis[] = [];
  const connect = () => {
    const redis = new Redis(REDIS_URL);
    connections.push(redis);
    return redis;
  };
  afterAll(async () => {
    const [first] = connections;
    if (first) {
      const keys = await first.keys(`${prefix}*`);
      if (keys.length > 0) await first.del(...keys);
    }
    for (const redis of connections) redis.disconnect();
  });

  it('shares one bucket between processes: the burst is spent once, whoever takes it', async () => {
    // Two limiters on two connections stand for two worker processes.
    const one = createRedisRateLimiter(connect(), prefix);
    const two = createRedisRateLimiter(connect(), prefix);
    const shared: Bucket = { key: 'pair:100:15550001111', ratePerSecond: 1000 / 6_000, burst: 2 };
    expect(await one.take(shared)).toBe(0);
    expect(await two.take(shared)).toBe(0);
    const waits = [await one.take(shared), await two.take(shared)];
    for (const wait of waits) {
      expect(wait).toBeGreaterThan(5_000);
      expect(wait).toBeLessThanOrEqual(6_000);
    }
    expect(await one.take({ ...shared, key: 'pair:100:15550002222' })).toBe(0);
  });

  it('refills at the rate on Redis’s clock', async () => {
    const limiter = createRedisRateLimiter(connect(), prefix);
    const fast: Bucket = { key: 'number:300', ratePerSecond: 20, burst: 1 };
    expect(await limiter.take(fast)).toBe(0);
    const wait = await limiter.take(fast);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(50);
    await new Promise((resolve) => setTimeout(resolve, wait + 20));
    expect(await limiter.take(fast)).toBe(0);
  });
});
