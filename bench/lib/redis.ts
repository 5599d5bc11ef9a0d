/**
 * A Redis key prefix of our own for each run that needs Redis (the queue of the scaled roles),
 * removed afterwards: other users of the same Redis never see or lose a key.
 */
import { Redis } from 'ioredis';

let created = 0;

export interface RedisSpace {
  env: Record<string, string>;
  dispose(): Promise<void>;
}

export function redisSpace(url: string): RedisSpace {
  const prefix = `waflow_bench_${process.pid}_${++created}`;
  return {
    env: { REDIS_URL: url, REDIS_PREFIX: prefix },
    async dispose() {
      const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
      await redis.connect();
      try {
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
          if (keys.length > 0) await redis.del(...keys);
          cursor = next;
        } while (cursor !== '0');
      } finally {
        redis.disconnect();
      }
    },
  };
}
