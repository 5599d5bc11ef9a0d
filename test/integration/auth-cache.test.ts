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

describe('API key cache', () => {
  it('keeps a real key cached through more lookups of tokens that are no key than the cache holds', async () => {
    const { db } = temp.database;
    const key = generateApiKey();
    const user = await insertUser(
      db,
      { name: 'Cache', email: null, metaPhoneNumberId: '700800900', sealedAccessToken: 'sealed', sealedAppSecret: null, messagesPerSecond: null },
      hashApiKey(key),
    );
    const limit = 100;
    const auth = createAuthenticator(db, 'admin-token-for-tests-0123456789', { ttlMs: 60_000, limit });
    expect(await auth.userForKey(key)).toBe(user.id);
    // Revoked behind the cache's back: only a fresh lookup could tell.
    await db.execute(sql`delete from api_keys where user_id = ${user.id}`);
    for (let i = 0; i < 3 * limit; i++) expect(await auth.userForKey(`wfk_random-${i}`)).toBeNull();
    expect(await auth.userForKey(key)).toBe(user.id);
  });
});
