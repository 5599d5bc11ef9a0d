/**
 * The socket.io Redis adapter: an event emitted in one process reaches the sockets of every
 * process on the same Redis. It needs two connections of its own (one is held by SUBSCRIBE).
 */
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';

export interface RedisFanOut {
  adapter: ReturnType<typeof createAdapter>;
  close(): Promise<void>;
}

/** `prefix` (REDIS_PREFIX) keeps the channels of environments that share a Redis apart. */
export function createRedisFanOut(redis: { url: string; prefix: string }, log: Logger): RedisFanOut {
  const pub = new Redis(redis.url, { maxRetriesPerRequest: null });
  const sub = pub.duplicate();
  for (const [role, client] of [['publish', pub], ['subscribe', sub]] as const) {
    client.on('error', (error: Error) => log.warn({ err: error, role }, 'realtime Redis connection error'));
  }
  return {
    adapter: createAdapter(pub, sub, { key: `${redis.prefix}:socket.io` }),
    async close() {
      await Promise.allSettled([pub.quit(), sub.quit()]);
    },
  };
}
