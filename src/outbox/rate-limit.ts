/**
 * Token buckets for sends: the throughput of a business number (Meta's tier, 80 msg/s by default)
 * and the pair rate to one recipient (about one message per 6 s, with a burst). In one process the
 * buckets live in memory; with several processes they live in Redis so the limits are shared.
 * Both stores keep the same state and follow the same rules (below).
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
  /**
   * Takes a token from every bucket, or from none: returns 0, or how many ms to wait before asking
   * again. The buckets are asked in order and the first without a token answers alone, so a caller
   * waiting for its own bucket (the recipient's) holds no place in a shared one (the number's).
   * Each caller a bucket refuses gets a slot of its own, one token after the previous caller's, so
   * waiters come back one at a time instead of all together.
   */
  take(buckets: readonly Bucket[]): Promise<number>;
  /** Leaves the bucket without a token for `ms`: Meta answered that its limit was reached. */
  pause(bucket: Bucket, ms: number): Promise<void>;
}

interface BucketState {
  tokens: number;
  /** When `tokens` was counted, on the limiter's clock. */
  at: number;
  /** Ms after `at` until the slots given to refused callers are used up: the next one's earliest slot. */
  queueMs: number;
}

const msPerToken = (bucket: Bucket) => 1000 / bucket.ratePerSecond;

/** The bucket at `now`: refilled for the time passed, none if the clock went back (it would stall sending). */
function stateAt(state: BucketState | undefined, bucket: Bucket, now: number): BucketState {
  if (state === undefined) return { tokens: bucket.burst, at: now, queueMs: 0 };
  const elapsed = Math.max(0, now - state.at);
  return {
    tokens: Math.min(bucket.burst, state.tokens + elapsed / msPerToken(bucket)),
    at: now,
    queueMs: Math.max(0, state.queueMs - elapsed),
  };
}

/** How long a refused caller waits: until a token is there and the callers slotted before it have had theirs. */
const refusedWaitMs = (state: BucketState, bucket: Bucket) => Math.max((1 - state.tokens) * msPerToken(bucket), state.queueMs);

/** Once full and with no slot promised, a bucket is the same as one never used: it can be forgotten. */
const msUntilIdle = (state: BucketState, bucket: Bucket) => Math.max((bucket.burst - state.tokens) * msPerToken(bucket), state.queueMs);

/** Sweeps for idle buckets run after at least this many takes, and after as many as the last sweep left. */
const MIN_TAKES_BETWEEN_SWEEPS = 1_000;

export interface LocalRateLimiter extends RateLimiter {
  /** Buckets remembered: those not back to their idle state, and those not swept yet. */
  readonly size: number;
}

/**
 * The buckets in this process's memory, on a monotonic clock by default (the system clock can be
 * set back). Buckets back to full are forgotten now and then, so recipients seen once do not
 * stay in memory.
 */
export function createLocalRateLimiter(now: () => number = () => performance.now()): LocalRateLimiter {
  const states = new Map<string, { state: BucketState; idleAt: number }>();
  let takesUntilSweep = MIN_TAKES_BETWEEN_SWEEPS;

  const read = (bucket: Bucket, at: number) => stateAt(states.get(bucket.key)?.state, bucket, at);
  const write = (bucket: Bucket, state: BucketState) => states.set(bucket.key, { state, idleAt: state.at + msUntilIdle(state, bucket) });

  /**
   * Amortised: a sweep costs a step per bucket and comes after as many takes as the last sweep
   * left buckets, so each take pays for a few steps however many recipients there are.
   */
  const forgetIdleBuckets = (at: number) => {
    takesUntilSweep -= 1;
    if (takesUntilSweep > 0) return;
    for (const [key, { idleAt }] of states) if (idleAt <= at) states.delete(key);
    takesUntilSweep = Math.max(MIN_TAKES_BETWEEN_SWEEPS, states.size);
  };

  return {
    get size() {
      return states.size;
    },
    async take(buckets) {
      const at = now();
      forgetIdleBuckets(at);
      const current = buckets.map((bucket) => read(bucket, at));
      for (const [index, bucket] of buckets.entries()) {
        const state = current[index]!;
        if (state.tokens >= 1) continue;
        const wait = refusedWaitMs(state, bucket);
        write(bucket, { ...state, queueMs: wait + msPerToken(bucket) });
        return Math.ceil(wait);
      }
      buckets.forEach((bucket, index) => write(bucket, { ...current[index]!, tokens: current[index]!.tokens - 1 }));
      return 0;
    },
    async pause(bucket, ms) {
      const state = read(bucket, now());
      write(bucket, { ...state, tokens: Math.min(state.tokens, 1 - ms / msPerToken(bucket)) });
    },
  };
}

/**
 * The same buckets, atomically in Redis, on Redis's clock so every process agrees. A bucket is a
 * hash (tokens, at, queue) that expires once it would be back to idle.
 */
const BUCKET_FUNCTIONS = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local function read_bucket(key, rate, burst)
  local stored = redis.call('HMGET', key, 'tokens', 'at', 'queue')
  local tokens = tonumber(stored[1])
  if tokens == nil then return { tokens = burst, queue = 0 } end
  local elapsed = math.max(0, now - tonumber(stored[2]))
  return { tokens = math.min(burst, tokens + elapsed * rate / 1000), queue = math.max(0, (tonumber(stored[3]) or 0) - elapsed) }
end
local function write_bucket(key, rate, burst, state)
  redis.call('HSET', key, 'tokens', tostring(state.tokens), 'at', now, 'queue', tostring(state.queue))
  redis.call('PEXPIRE', key, math.ceil(math.max((burst - state.tokens) * 1000 / rate, state.queue)) + 1000)
end
`;

/** KEYS: the buckets; ARGV: rate and burst of each, in turn. */
const TAKE_SCRIPT = `${BUCKET_FUNCTIONS}
local states = {}
for i, key in ipairs(KEYS) do
  local rate, burst = tonumber(ARGV[2 * i - 1]), tonumber(ARGV[2 * i])
  local state = read_bucket(key, rate, burst)
  if state.tokens < 1 then
    local wait = math.max((1 - state.tokens) * 1000 / rate, state.queue)
    state.queue = wait + 1000 / rate
    write_bucket(key, rate, burst, state)
    return math.ceil(wait)
  end
  states[i] = state
end
for i, key in ipairs(KEYS) do
  states[i].tokens = states[i].tokens - 1
  write_bucket(key, tonumber(ARGV[2 * i - 1]), tonumber(ARGV[2 * i]), states[i])
end
return 0
`;

/** KEYS[1]: the bucket; ARGV: rate, burst, ms. */
const PAUSE_SCRIPT = `${BUCKET_FUNCTIONS}
local rate, burst, ms = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local state = read_bucket(KEYS[1], rate, burst)
state.tokens = math.min(state.tokens, 1 - ms * rate / 1000)
write_bucket(KEYS[1], rate, burst, state)
return 0
`;

export function createRedisRateLimiter(redis: Redis, prefix: string): RateLimiter {
  return {
    async take(buckets) {
      const keys = buckets.map((bucket) => `${prefix}${bucket.key}`);
      const limits = buckets.flatMap((bucket) => [bucket.ratePerSecond, bucket.burst]);
      return Number(await redis.eval(TAKE_SCRIPT, keys.length, ...keys, ...limits));
    },
    async pause(bucket, ms) {
      await redis.eval(PAUSE_SCRIPT, 1, `${prefix}${bucket.key}`, bucket.ratePerSecond, bucket.burst, ms);
    },
  };
}
