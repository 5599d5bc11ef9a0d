/**
 * Pages of a contact's messages on the real (embedded) database: messages that share a timestamp
 * (a step's replies and the contact's next message can) are neither skipped nor repeated when a
 * page is cut among them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { listContactMessages } from '../../src/db/repositories/messages.js';
import { openTempDatabase, type TempDatabase } from '../support/temp-database.js';

let temp: TempDatabase;
beforeAll(async () => {
  temp = await openTempDatabase('message-pages');
  const { db } = temp.database;
  await db.execute(sql`insert into "User" ("id", "name", "metaPhoneNumberId", "metaAccessToken") values ('u1', 'Pages', '100', 'sealed')`);
  await db.execute(sql`insert into "Contact" ("id", "userId", "phone") values ('c1', 'u1', '15550001')`);
  // Seven messages, five of them in the same millisecond.
  const stamps = ['2026-01-01T00:00:00.001Z', ...Array(5).fill('2026-01-01T00:00:00.002Z'), '2026-01-01T00:00:00.003Z'];
  for (const [index, stamp] of stamps.entries()) {
    await db.execute(sql`insert into "Message" ("id", "direction", "content", "contactId", "userId", "createdAt")
      values (${`m${index}`}, 'outbound', ${`message ${index}`}, 'c1', 'u1', ${stamp}::timestamp)`);
  }
});
afterAll(() => temp.remove());

describe('pages of messages', () => {
  it('walks every message once, newest first, with pages cut inside a millisecond', async () => {
    const seen: string[] = [];
    let cursor: { before: Date | null; beforeId: string | null } = { before: null, beforeId: null };
    for (let pages = 0; pages < 10; pages++) {
      const page = await listContactMessages(temp.database.db, 'u1', 'c1', { ...cursor, limit: 2 });
      if (page.length === 0) break;
      seen.push(...page.map((message) => message.id));
      const last = page.at(-1)!;
      cursor = { before: last.createdAt, beforeId: last.id };
    }
    expect(seen).toEqual(['m6', 'm5', 'm4', 'm3', 'm2', 'm1', 'm0']);
  });

  it('takes only strictly older messages when no id is given', async () => {
    const page = await listContactMessages(temp.database.db, 'u1', 'c1', { before: new Date('2026-01-01T00:00:00.002Z'), beforeId: null, limit: 10 });
    expect(page.map((message) => message.id)).toEqual(['m0']);
  });
});
