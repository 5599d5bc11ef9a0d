/** Tenant secrets for flows' HTTP requests: sealed at rest, opened only to fill a request. */
import type { Db } from '../db/client.js';
import { deleteSecret, listSecretNames, putSecret, sealedSecrets } from '../db/repositories/secrets.js';
import type { SecretBox } from '../security/encryption.js';

export const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export async function openSecrets(db: Db, box: SecretBox, userId: string): Promise<Map<string, string>> {
  const sealed = await sealedSecrets(db, userId);
  return new Map([...sealed].map(([name, value]) => [name, box.open(value)]));
}

export const saveSecret = (db: Db, box: SecretBox, userId: string, name: string, value: string) =>
  putSecret(db, userId, name, box.seal(value));

export { deleteSecret, listSecretNames };
