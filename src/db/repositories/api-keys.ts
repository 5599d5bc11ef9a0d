import { and, eq } from 'drizzle-orm';
import type { Db } from '../client.js';
import { newId } from '../ids.js';
import { apiKeys } from '../schema.js';

export async function findUserIdByKeyHash(db: Db, keyHash: string): Promise<string | undefined> {
  const [row] = await db
    .select({ userId: apiKeys.userId })
    .from(apiKeys)
    .where(and(eq(apiKeys.keyHash, keyHash), eq(apiKeys.active, true)));
  return row?.userId;
}

export async function insertApiKey(db: Db, userId: string, keyHash: string, name: string): Promise<string> {
  const id = newId();
  await db.insert(apiKeys).values({ id, userId, keyHash, name });
  return id;
}
