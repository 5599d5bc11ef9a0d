/**
 * The send token buckets: in memory for one process, in Redis when several processes share a
 * number's throughput and its recipients' pair rate. Both follow the same rules, checked on
 * both below; the in-memory one also on a fake clock.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createLocalRateLimiter, createRedisRateLimiter, type Bucket, type RateLimiter } from '../../../src/outbox/rate-limit.js';
import { REDIS_URL, redisAvailable } from '../../support/services.js';

const bucket: Bucket = { key: 'number:100', ratePerSecond: 4, burst: 2 };
const pairOf = (recipient: string): Bucket => ({ key: `pair:100:${recipient}`, ratePerSecond: 1000 / 6_000, burst: 1 });

/** Asks once per bucket list, in turn. */
const takeEach = async (limiter: RateLimiter, lists: ReadonlyArray<readonly Bucket[]>) => {
  const waits: number[] = [];
  for (const buckets of lists) waits.push(await limiter.take(buckets));
  return waits;
};

describe('local rate limiter', () => {
  it('lets a burst through, then one token per 1/rate seconds', async () => {
    let now = 1_000_000;
    const limiter = createLocalRateLimiter(() => now);
    expect(await takeEach(limiter, [[bucket], [bucket]])).toEqual([0, 0]);
    expect(await limiter.take([bucket])).toBe(250);
    now += 250;
    expect(await limiter.take([bucket])).toBe(0);
    expect(await limiter.take([bucket])).toBe(250);
  });

  it('refills up to the burst only, and keeps buckets apart', async () => {
    let now = 0;
    const limiter = createLocalRateLimiter(() => now);
    await takeEach(limiter, [[bucket], [bucket]]);
    now += 60_000;
    expect(await takeEach(limiter, [[bucket], [bucket], [bucket]])).toEqual([0, 0, 250]);
    expect(await limiter.take([{ ...bucket, key: 'number:200' }])).toBe(0);
  });

  it('treats the clock going back as no time passed: a step back does not stall the bucket', async () => {
    let now = 10 * 3_600_000;
    const limiter = createLocalRateLimiter(() => now);
    await takeEach(limiter, [[bucket], [bucket]]);
    now -= 3_600_000;
    expect(await limiter.take([bucket])).toBe(250);
    now += 250;
    expect(await limiter.take([bucket])).toBe(0);
  });

  it('forgets buckets back to full, amortised, and remembers those still refilling', async () => {
    let now = 0;
    const limiter = createLocalRateLimiter(() => now);
    const busy = { ...pairOf('busy'), burst: 2 };
    await takeEach(limiter, [[busy], [busy]]);
    for (let i = 0; i < 20_000; i++) await limiter.take([pairOf(String(i))]);
    expect(limiter.size).toBeGreaterThan(10_000);
    // Each one-off recipient is full again after one pair interval; `busy` needs two.
    now += 7_000;
    for (let i = 0; i < 20_000; i++) await limiter.take([bucket]);
    expect(limiter.size).toBe(2);
    // Behaviour as if nothing were forgotten: `busy` has one token, a forgotten recipient its burst.
    expect(await takeEach(limiter, [[busy], [busy], [pairOf('1')], [pairOf('1')]])).toEqual([0, 5_000, 0, 6_000]);
  });

  it('1,000 contacts with one reply each at 80/s: the last is sent at 11.5 s, each refused contact asks once more', async () => {
    let now = 0;
    const limiter = createLocalRateLimiter(() => now);
    const number: Bucket = { key: 'number:1', ratePerSecond: 80, burst: 80 };
    const pair = (contact: number): Bucket => ({ key: `pair:1:${contact}`, ratePerSecond: 1000 / 6_000, burst: 20 });
    // The sender's loop on a fake clock: a refused contact asks again after the wait it was given.
    let due = Array.from({ length: 1_000 }, (_, contact) => ({ at: 0, contact }));
    let asks = 0;
    let lastSent = 0;
    while (due.length > 0) {
      due.sort((a, b) => a.at - b.at);
      const [next, ...rest] = due;
      due = rest;
      now = next!.at;
      asks += 1;
      const wait = await limiter.take([pair(next!.contact), number]);
      if (wait > 0) due.push({ at: now + wait, contact: next!.contact });
      else lastSent = now;
    }
    // 80 at once, then 920 at 80/s: 11.5 s is the least the limit allows (before: 72 s, 29,373 asks).
    expect(lastSent).toBe(11_500);
    expect(asks).toBe(1_000 + 920);
  });
});

/** The same rules on both limiters; on Redis's own clock a few ms pass between calls. */
describe.each([
  { name: 'local', available: true },
  { name: 'Redis', available: redisAvailable },
])('$name rate limiter: shared rules', ({ name, available }) => {
  const prefix = `waflow-test-${randomBytes(6).toString('hex')}:`;
  let redis: Redis | null = null;
  const connection = () => (redis ??= new Redis(REDIS_URL));
  /** A fresh limiter: its own buckets. */
  const limiter = (): RateLimiter =>
    name === 'local' ? createLocalRateLimiter() : createRedisRateLimiter(connection(), `${prefix}${randomBytes(4).toString('hex')}:`);
  afterAll(async () => {
    if (!redis) return;
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });
  /** A wait given `expected` ms ago at most a little less. */
  const near = (wait: number, expected: number) => {
    expect(wait).toBeLessThanOrEqual(expected);
    expect(wait).toBeGreaterThan(expected - 100);
  };
  const number: Bucket = { key: 'number:1', ratePerSecond: 4, burst: 1 };

  it.skipIf(!available)('takes from every bucket or from none: a send the number refuses keeps its pair token', async () => {
    const rate = limiter();
    expect(await rate.take([pairOf('a'), number])).toBe(0);
    near(await rate.take([pairOf('b'), number]), 250);
    // b's only token is still there.
    expect(await rate.take([pairOf('b')])).toBe(0);
    near(await rate.take([pairOf('b')]), 6_000);
  });

  it.skipIf(!available)('gives each refused caller its own slot, one token apart', async () => {
    const rate = limiter();
    expect(await rate.take([pairOf('a'), number])).toBe(0);
    const waits = await takeEach(rate, ['b', 'c', 'd', 'e'].map((recipient) => [pairOf(recipient), number]));
    waits.forEach((wait, index) => near(wait, 250 * (index + 1)));
  });

  it.skipIf(!available)('a caller waiting for its pair interval takes no place among the number’s waiters', async () => {
    const rate = limiter();
    expect(await rate.take([pairOf('a'), number])).toBe(0);
    near(await rate.take([pairOf('a'), number]), 6_000);
    near(await rate.take([pairOf('b'), number]), 250);
  });

  it.skipIf(!available)('a pause leaves the bucket without a token for that long; the callers refused meanwhile come back one at a time', async () => {
    const rate = limiter();
    const fast: Bucket = { key: 'number:2', ratePerSecond: 80, burst: 80 };
    expect(await rate.take([fast])).toBe(0);
    await rate.pause(fast, 5_000);
    near(await rate.take([fast]), 5_000);
    near(await rate.take([fast]), 5_013);
    await rate.pause(pairOf('a'), 6_000);
    near(await rate.take([pairOf('a')]), 6_000);
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
    expect(await one.take([shared])).toBe(0);
    expect(await two.take([shared])).toBe(0);
    const [first, second] = [await one.take([shared]), await two.take([shared])];
    // Each refused caller has its own slot: the second one interval after the first.
    expect(first).toBeGreaterThan(5_000);
    expect(first).toBeLessThanOrEqual(6_000);
    expect(second).toBeGreaterThan(11_000);
    expect(second).toBeLessThanOrEqual(12_000);
    expect(await one.take([{ ...shared, key: 'pair:100:15550002222' }])).toBe(0);
  });

  it('keeps a paused bucket until it is full again', async () => {
    const redis = connect();
    const slow: Bucket = { key: 'number:3', ratePerSecond: 1, burst: 1 };
    await createRedisRateLimiter(redis, prefix).pause(slow, 60_000);
    expect(await redis.pttl(`${prefix}${slow.key}`)).toBeGreaterThan(60_000);
  });

  it('refills at the rate on Redis’s clock', async () => {
    const limiter = createRedisRateLimiter(connect(), prefix);
    const fast: Bucket = { key: 'number:300', ratePerSecond: 20, burst: 1 };
    expect(await limiter.take([fast])).toBe(0);
    const wait = await limiter.take([fast]);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(50);
    await new Promise((resolve) => setTimeout(resolve, wait + 20));
    expect(await limiter.take([fast])).toBe(0);
  });
});
