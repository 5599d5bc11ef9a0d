/**
 * Tenants (Users) as the hot path needs them: found by phone_number_id, with the access token
 * and app secret decrypted. Cached for a short time so a webhook or a send costs no lookup;
 * changes made through this process invalidate at once, other processes see them within the TTL.
 * Misses are cached too, so a number onboarded through another process can be looked up again
 * past the cache (`reloadByPhoneNumberId`) by a caller that must not take it for unknown.
 */
import type { Db } from '../db/client.js';
import { findUserById, findUserByPhoneNumberId, type UserRow } from '../db/repositories/users.js';
import type { SecretBox } from '../security/encryption.js';

export interface Tenant {
  id: string;
  phoneNumberId: string;
  accessToken: string;
  /** The token as stored (sealed): tells which token a send used, once it may have been replaced. */
  sealedAccessToken: string;
  appSecret: string | null;
  tokenExpiredAt: Date | null;
  /** Send throughput of this number; null uses the configured default. */
  messagesPerSecond: number | null;
}

export interface TenantDirectory {
  byPhoneNumberId(phoneNumberId: string): Promise<Tenant | null>;
  byId(id: string): Promise<Tenant | null>;
  /** Forget cached entries (after an update through the API). */
  invalidate(): void;
  /** Looks the number up in the database, past the cache, and caches the answer. */
  reloadByPhoneNumberId(phoneNumberId: string): Promise<Tenant | null>;
}

const MAX_CACHED = 10_000;

interface Entry {
  /** Shared by every caller while the lookup runs, so a burst costs one query, not one each. */
  tenant: Promise<Tenant | null>;
  expiresAt: number;
}

export function createTenantDirectory(db: Db, box: SecretBox, ttlMs = 10_000): TenantDirectory {
  const byPnid = new Map<string, Entry>();
  const byId = new Map<string, Entry>();

  const toTenant = (row: UserRow | undefined): Tenant | null => {
    if (!row?.metaPhoneNumberId || !row.metaAccessToken) return null;
    return {
      id: row.id,
      phoneNumberId: row.metaPhoneNumberId,
      accessToken: box.open(row.metaAccessToken),
      sealedAccessToken: row.metaAccessToken,
      appSecret: row.appSecret ? box.open(row.appSecret) : null,
      tokenExpiredAt: row.tokenExpiredAt,
      messagesPerSecond: row.messagesPerSecond,
    };
  };

  const cached = (cache: Map<string, Entry>, key: string, load: () => Promise<UserRow | undefined>) => {
    const hit = cache.get(key);
    if (hit && hit.expiresAt > Date.now()) return hit.tenant;
    const tenant = load().then(toTenant);
    const entry = { tenant, expiresAt: Date.now() + ttlMs };
    // Misses are cached too, and unknown ids come from outside: never let them grow the map for ever.
    if (cache.size >= MAX_CACHED) cache.clear();
    cache.set(key, entry);
    // A failed lookup is not remembered: the next caller tries again.
    tenant.catch(() => cache.get(key) === entry && cache.delete(key));
    return tenant;
  };

  const byPhoneNumberId = (pnid: string) => cached(byPnid, pnid, () => findUserByPhoneNumberId(db, pnid));

  return {
    byPhoneNumberId,
    reloadByPhoneNumberId(pnid) {
      byPnid.delete(pnid);
      return byPhoneNumberId(pnid);
    },
    byId: (id) => cached(byId, id, () => findUserById(db, id)),
    invalidate() {
      byPnid.clear();
      byId.clear();
    },
  };
}
