/** Opens what a one-shot command needs (config, database, secret box) and closes it afterwards. */
import { loadConfig } from '../config/index.js';
import { resolveSecrets } from '../config/secrets.js';
import { openDatabase, type Database } from '../db/client.js';
import { createSecretBox, type SecretBox } from '../security/encryption.js';
import { ensureSameEncryptionKey } from '../security/key-check.js';

export async function withDatabase<T>(run: (database: Database, box: SecretBox) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const box = createSecretBox(resolveSecrets(config).encryptionKey);
  const database = await openDatabase(config.database);
  try {
    await ensureSameEncryptionKey(database.db, box);
    return await run(database, box);
  } finally {
    await database.close();
  }
}

export class UsageError extends Error {
  override name = 'UsageError';
}

export function required(values: Record<string, string | boolean | undefined>, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required`);
  return value;
}
