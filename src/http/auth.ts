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
  isAdminToken(token: string): boolean;
  /** The user id for a raw key (socket handshakes), or null. */
  userForKey(key: string): Promise<string | null>;
  /**
   * The hash of a key an earlier lookup found valid, without a query (the rate limit's bucket,
   * chosen before the limit applies); null for any other token.
   */
  knownKeyHash(key: string): string | null;
}

const unauthorized = (message: string) => new HttpError(401, 'unauthorized', message);

export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (typeof header !== 'string' || !header.startsWith('Bearer ')) return null;
  return header.slice('Bearer '.length).trim() || null;
}

export interface KeyCacheOptions {
  ttlMs?: number;
  /** Entries per cache before it is emptied. */
  limit?: number;
}

export function createAuthenticator(db: Db, adminToken: string, { ttlMs = 30_000, limit = 10_000 }: KeyCacheOptions = {}): Authenticator {
  // Tokens that are no key have a cache of their own: a flood of random ones must not empty the
  // cache of the real keys and make every API call a query again.
  const keys = new Map<string, { userId: string; expiresAt: number }>();
  const notKeys = new Map<string, number>();
  const remember = <T>(cache: Map<string, T>, hash: string, entry: T) => {
    if (cache.size >= limit) cache.clear();
    cache.set(hash, entry);
  };

  const userForKey = async (key: string): Promise<string | null> => {
    const hash = hashApiKey(key);
    const now = Date.now();
    const known = keys.get(hash);
    if (known && known.expiresAt > now) return known.userId;
    if ((notKeys.get(hash) ?? 0) > now) return null;
    const userId = (await findUserIdByKeyHash(db, hash)) ?? null;
    if (userId === null) {
      keys.delete(hash);
      remember(notKeys, hash, now + ttlMs);
    } else remember(keys, hash, { userId, expiresAt: now + ttlMs });
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
    isAdminToken: (token) => safeEqual(token, adminToken),
    // An expired entry still counts: otherwise the key's requests would count against its
    // address, and while a flood from there is refused they would never reach the lookup that
    // renews the entry. A revoked key loses its bucket at its next lookup.
    knownKeyHash(key) {
      const hash = hashApiKey(key);
      return keys.has(hash) ? hash : null;
    },
  };
}
