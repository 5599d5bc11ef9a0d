/**
 * The API key cache on the real (embedded) database: a flood of tokens that are no key must not
 * push the real keys out of the cache (every API call would be a query again).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { insertUser } from '../../src/db/repositories/users.js';
import { createAuthenticator } from '../../src/http/auth.js';
import { generateApiKey, hashApiKey } from '../../src/security/api-keys.js';
import { openTempDatabase, type TempDatabase } from '../support/temp-database.js';

let temp: TempDatabase;
beforeAll(async () => {
  temp = await openTempDatabase('auth-cache');
});
afterAll(() => temp.remove());

/** A user with one API key, straight into the database. */
async function userWithKey(phoneNumberId: string): Promise<{ id: string; key: string }> {
  const key = generateApiKey();
  const user = await insertUser(
    temp.database.db,
    { name: 'Cache', email: null, metaPhoneNumberId: phoneNumberId, sealedAccessToken: 'sealed', sealedAppSecret: null, messagesPerSecond: null },
    hashApiKey(key),
  );
  return { id: user.id, key };
}

describe('API key cache', () => {
  it('keeps a real key cached through more lookups of tokens that are no key than the cache holds', async () => {
    const { db } = temp.database;
    const { id: userId, key } = await userWithKey('700800900');
    const limit = 100;
    const auth = createAuthenticator(db, 'admin-token-for-tests-0123456789', { ttlMs: 60_000, limit });
    expect(await auth.userForKey(key)).toBe(userId);
    // Revoked behind the cache's back: only a fresh lookup could tell.
    await db.execute(sql`delete from api_keys where user_id = ${userId}`);
    for (let i = 0; i < 3 * limit; i++) expect(await auth.userForKey(`wfk_random-${i}`)).toBeNull();
    expect(await auth.userForKey(key)).toBe(userId);
  });

  it('knows a key (the rate limit’s bucket) only once a lookup found it, past its entry’s expiry, until a lookup finds it gone', async () => {
    const { id: userId, key } = await userWithKey('700800901');
    const auth = createAuthenticator(temp.database.db, 'admin-token-for-tests-0123456789', { ttlMs: 1 });
    expect(auth.knownKeyHash(key)).toBeNull();
    expect(await auth.userForKey('wfk_not-a-key')).toBeNull();
    expect(auth.knownKeyHash('wfk_not-a-key')).toBeNull();
    expect(await auth.userForKey(key)).toBe(userId);
    await new Promise((resolve) => setTimeout(resolve, 5));
    // Expired: the next API call looks the key up again, yet its bucket stays its own.
    expect(auth.knownKeyHash(key)).toBe(hashApiKey(key));
    await temp.database.db.execute(sql`delete from api_keys where user_id = ${userId}`);
    expect(await auth.userForKey(key)).toBeNull();
    expect(auth.knownKeyHash(key)).toBeNull();
  });
});
