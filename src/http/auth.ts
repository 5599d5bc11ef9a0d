/**
 * Bearer authentication. The admin token manages users; a user's API key sees only that user's
 * data. Key lookups are cached briefly so an API call costs no extra query.
 */
import type { FastifyRequest } from 'fastify';
import type { Db } from '../db/client.js';
import { findUserIdByKeyHash } from '../db/repositories/api-keys.js';
import { hashApiKey, safeEqual } from '../security/api-keys.js';
import { HttpError } from './errors.js';

export interface Authenticator {
  /** The user id behind the request's API key; throws 401 otherwise. */
  user(request: FastifyRequest): Promise<string>;
  /** Throws 401 unless the request carries the admin token. */
  admin(request: FastifyRequest): void;
  /** The user id for a raw key (socket handshakes), or null. */
  userForKey(key: string): Promise<string | null>;
}

const unauthorized = (message: string) => new HttpError(401, 'unauthorized', message);

export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (typeof header !== 'string' || !header.startsWith('Bearer ')) return null;
  return header.slice('Bearer '.length).trim() || null;
}

export function createAuthenticator(db: Db, adminToken: string, ttlMs = 30_000): Authenticator {
  const cache = new Map<string, { userId: string | null; expiresAt: number }>();

  const userForKey = async (key: string): Promise<string | null> => {
    const hash = hashApiKey(key);
    const hit = cache.get(hash);
    if (hit && hit.expiresAt > Date.now()) return hit.userId;
    const userId = (await findUserIdByKeyHash(db, hash)) ?? null;
    if (cache.size > 10_000) cache.clear();
    cache.set(hash, { userId, expiresAt: Date.now() + ttlMs });
    return userId;
  };

  return {
    userForKey,
    async user(request) {
      const token = bearerToken(request);
      if (!token) throw unauthorized('missing Authorization: Bearer <api key>');
      const userId = await userForKey(token);
      if (!userId) throw unauthorized('invalid API key');
      return userId;
    },
    admin(request) {
      const token = bearerToken(request);
      if (!token) throw unauthorized('missing Authorization: Bearer <admin token>');
      if (!safeEqual(token, adminToken)) throw unauthorized('invalid admin token');
    },
  };
}
