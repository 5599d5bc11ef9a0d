/**
 * Pages of contacts (`GET /contacts?limit&offset`) on the real (embedded) database: contacts
 * updated in the same millisecond (one webhook batch can touch many) are neither skipped nor
 * repeated when a page is cut among them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { listContacts } from '../../src/db/repositories/contacts.js';
import { openTempDatabase, type TempDatabase } from '../support/temp-database.js';

const IDS = ['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8', 'c9'];

let temp: TempDatabase;
beforeAll(async () => {
  temp = await openTempDatabase('contact-pages');
  const { db } = temp.database;
  await db.execute(sql`insert into "User" ("id", "name", "metaPhoneNumberId", "metaAccessToken") values ('u1', 'Pages', '100', 'sealed')`);
  // All but the newest and the oldest in the same millisecond, inserted in shuffled order.
  for (const [index, id] of ['c3', 'c7', 'c0', 'c5', 'c9', 'c1', 'c8', 'c2', 'c6', 'c4'].entries()) {
    const stamp = id === 'c0' ? '2026-01-01T00:00:00.001Z' : id === 'c9' ? '2026-01-01T00:00:00.003Z' : '2026-01-01T00:00:00.002Z';
    await db.execute(sql`insert into "Contact" ("id", "userId", "phone", "updatedAt") values (${id}, 'u1', ${`1555000${index}`}, ${stamp}::timestamp)`);
  }
});
afterAll(() => temp.remove());

describe('pages of contacts', () => {
  it('walks every contact once, most recently updated first, then by id, with pages cut inside a millisecond', async () => {
    for (const limit of [1, 2, 3, 4]) {
      const seen: string[] = [];
      for (let offset = 0; offset < IDS.length; offset += limit) {
        seen.push(...(await listContacts(temp.database.db, 'u1', limit, offset)).map((contact) => contact.id));
      }
      expect(seen, `pages of ${limit}`).toEqual(IDS.toReversed());
    }
  });
});
