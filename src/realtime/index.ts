/**
 * The realtime part of a process, built from its settings: the socket.io server (with the Redis
 * adapter when REDIS_URL is set, so every process reaches every browser) and the socket tokens.
 */
import type { Logger } from 'pino';
import type { Db } from '../db/client.js';
import { createRedisFanOut } from './redis-adapter.js';
import { createRealtimeServer, type ConnectionGauge, type RealtimeServer } from './server.js';
import { createSocketTokens, isSocketToken, type SocketTokens } from './socket-tokens.js';

export interface RealtimeSettings {
  db: Db;
  log: Logger;
  origins: readonly string[];
  /** Fans events out across processes through this Redis, when set. */
  redis: { url: string; prefix: string } | null;
  /** Keys the socket tokens (ENCRYPTION_KEY: shared by every process). */
  encryptionKey: Buffer;
  /** The user behind an API key, or null. */
  userForKey(key: string): Promise<string | null>;
  now(): number;
  /** Counts open sockets (a metrics gauge). */
  connections?: ConnectionGauge;
}

export interface Realtime {
  server: RealtimeServer;
  tokens: SocketTokens;
}

export function createRealtime(settings: RealtimeSettings): Realtime {
  const tokens = createSocketTokens(settings.encryptionKey);
  const server = createRealtimeServer({
    db: settings.db,
    log: settings.log,
    origins: settings.origins,
    authenticate: async (token) => (isSocketToken(token) ? tokens.verify(token, settings.now()) : settings.userForKey(token)),
    ...(settings.redis !== null && { fanOut: createRedisFanOut(settings.redis, settings.log) }),
    ...(settings.connections && { connections: settings.connections }),
  });
  return { server, tokens };
}
