/**
 * Token buckets for sends: the throughput of a business number (Meta's tier, 80 msg/s by default)
 * and the pair rate to one recipient (about one message per 6 s, with a burst). In one process the
 * buckets live in memory; with several processes they live in Redis so the limits are shared.
 */
import type { Redis } from 'ioredis';

export interface Bucket {
  key: string;
  /** Tokens added per second. */
  ratePerSecond: number;
  /** Most tokens the bucket holds: how big a burst may be. */
  burst: number;
}

export interface RateLimiter {
  /** Takes a token and returns 0, or returns how many ms to wait before one is available. */
  take(bucket: Bucket): Promise<number>;
}

interface BucketState {
  tokens: number;
  at: number;
}

export function createLocalRateLimiter(now: () => number = Date.now): RateLimiter {
  const buckets = new Map<string, BucketState>();
  return {
    async take({ key, ratePerSecond, burst }) {
      const at = now();
      const previous = buckets.get(key) ?? { tokens: burst, at };
      const tokens = Math.min(burst, previous.tokens + ((at - previous.at) * ratePerSecond) / 1000);
      if (tokens >= 1) {
        buckets.set(key, { tokens: tokens - 1, at });
        return 0;
      }
      buckets.set(key, { tokens, at });
      return Math.ceil(((1 - tokens) * 1000) / ratePerSecond);
    },
  };
}

/** The same bucket, atomically in Redis, on Redis's clock so every process agrees. */
const TAKE_SCRIPT = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + (now - at) * rate / 1000)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = math.ceil((1 - tokens) * 1000 / rate) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(burst * 1000 / rate) + 1000)
return wait
`;

export function createRedisRateLimiter(redis: Redis, prefix: string): RateLimiter {
  return {
    async take({ key, ratePerSecond, burst }) {
      const wait = await redis.eval(TAKE_SCRIPT, 1, `${prefix}${key}`, ratePerSecond, burst);
      return Number(wait);
    },
  };
}
