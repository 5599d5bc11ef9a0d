import { and, eq } from 'drizzle-orm';
import type { Db } from '../client.js';
import { violatedUniqueConstraint } from '../errors.js';
import { newId } from '../ids.js';
import { apiKeys, users } from '../schema.js';

export type UserRow = typeof users.$inferSelect;

/** The fields no two users may share, by the name of the unique index that keeps them apart. */
export type UniqueUserField = 'email' | 'metaPhoneNumberId';
const UNIQUE_USER_FIELDS = new Map<string, UniqueUserField>([
  ['User_email_key', 'email'],
  ['User_metaPhoneNumberId_key', 'metaPhoneNumberId'],
]);

/** The field another user already has the value of, when `error` says a write collided on one. */
export function takenUserField(error: unknown): UniqueUserField | null {
  return UNIQUE_USER_FIELDS.get(violatedUniqueConstraint(error) ?? '') ?? null;
}

export interface NewUser {
  name: string;
  email: string | null;
  metaPhoneNumberId: string;
  /** Already sealed by the caller (security/encryption). */
  sealedAccessToken: string;
  sealedAppSecret: string | null;
  /** Sends per second for this number; null: the configured default. */
  messagesPerSecond: number | null;
}

export async function insertUser(db: Db, user: NewUser, apiKeyHash: string): Promise<UserRow> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(users)
      .values({
        id: newId(),
        name: user.name,
        email: user.email,
        metaPhoneNumberId: user.metaPhoneNumberId,
        metaAccessToken: user.sealedAccessToken,
        appSecret: user.sealedAppSecret,
        messagesPerSecond: user.messagesPerSecond,
      })
      .returning();
    await tx.insert(apiKeys).values({ id: newId(), userId: row!.id, keyHash: apiKeyHash });
    return row!;
  });
}

export async function findUserById(db: Db, id: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, id));
  return row;
}

export async function findUserByPhoneNumberId(db: Db, phoneNumberId: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.metaPhoneNumberId, phoneNumberId));
  return row;
}

export async function listUsers(db: Db): Promise<UserRow[]> {
  return db.select().from(users).orderBy(users.createdAt);
}

export interface UserChanges {
  name?: string;
  email?: string | null;
  metaPhoneNumberId?: string;
  sealedAccessToken?: string;
  sealedAppSecret?: string | null;
  messagesPerSecond?: number | null;
}

/** A new access token clears the token-expired state: paused sends may go again. */
export async function updateUser(db: Db, id: string, changes: UserChanges): Promise<UserRow | undefined> {
  const [row] = await db
    .update(users)
    .set({
      ...(changes.name !== undefined && { name: changes.name }),
      ...(changes.email !== undefined && { email: changes.email }),
      ...(changes.metaPhoneNumberId !== undefined && { metaPhoneNumberId: changes.metaPhoneNumberId }),
      ...(changes.sealedAccessToken !== undefined && {
        metaAccessToken: changes.sealedAccessToken,
        tokenExpiredAt: null,
      }),
      ...(changes.sealedAppSecret !== undefined && { appSecret: changes.sealedAppSecret }),
      ...(changes.messagesPerSecond !== undefined && { messagesPerSecond: changes.messagesPerSecond }),
      updatedAt: new Date(),
    })
    .where(eq(users.id, id))
    .returning();
  return row;
}

/**
 * Marks the user's token expired, if it is still the one that failed (`sealedToken`, as stored):
 * a send that was in flight with the old token when a new one was saved must not pause the new
 * one. Returns whether it did.
 */
export async function markTokenExpired(db: Db, id: string, sealedToken: string, at: Date): Promise<boolean> {
  const marked = await db
    .update(users)
    .set({ tokenExpiredAt: at, updatedAt: at })
    .where(and(eq(users.id, id), eq(users.metaAccessToken, sealedToken)))
    .returning({ id: users.id });
  return marked.length > 0;
}
