/**
 * Creating and updating users (tenants): credentials are sealed before they reach the database,
 * and the API key is generated here, returned once and stored only as a hash. Used by the admin
 * API and the CLI alike.
 */
import type { Db } from '../db/client.js';
import { insertUser, updateUser, type UserRow } from '../db/repositories/users.js';
import { generateApiKey, hashApiKey } from '../security/api-keys.js';
import type { SecretBox } from '../security/encryption.js';

export interface NewAccount {
  name: string;
  email?: string | null;
  metaPhoneNumberId: string;
  metaAccessToken: string;
  appSecret?: string | null;
  messagesPerSecond?: number | null;
}

export interface AccountChanges {
  name?: string;
  email?: string | null;
  metaPhoneNumberId?: string;
  metaAccessToken?: string;
  /** null removes the override. */
  appSecret?: string | null;
  /** Sends per second for this number; null goes back to the default. */
  messagesPerSecond?: number | null;
}

export async function createAccount(db: Db, box: SecretBox, input: NewAccount): Promise<{ user: UserRow; apiKey: string }> {
  const apiKey = generateApiKey();
  const user = await insertUser(
    db,
    {
      name: input.name,
      email: input.email ?? null,
      metaPhoneNumberId: input.metaPhoneNumberId,
      sealedAccessToken: box.seal(input.metaAccessToken),
      sealedAppSecret: input.appSecret ? box.seal(input.appSecret) : null,
      messagesPerSecond: input.messagesPerSecond ?? null,
    },
    hashApiKey(apiKey),
  );
  return { user, apiKey };
}

export async function updateAccount(db: Db, box: SecretBox, id: string, changes: AccountChanges): Promise<UserRow | undefined> {
  return updateUser(db, id, {
    name: changes.name,
    email: changes.email,
    metaPhoneNumberId: changes.metaPhoneNumberId,
    sealedAccessToken: changes.metaAccessToken === undefined ? undefined : box.seal(changes.metaAccessToken),
    sealedAppSecret:
      changes.appSecret === undefined ? undefined : changes.appSecret === null ? null : box.seal(changes.appSecret),
    messagesPerSecond: changes.messagesPerSecond,
  });
}

/** What anyone outside sees of a user: never a token or a secret. */
export function accountView(user: UserRow) {
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    metaPhoneNumberId: user.metaPhoneNumberId,
    hasAppSecret: user.appSecret !== null,
    messagesPerSecond: user.messagesPerSecond,
    tokenExpired: user.tokenExpiredAt !== null,
    tokenExpiredAt: user.tokenExpiredAt,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
  };
}
