/** Opens what a one-shot command needs (config, database, secret box) and closes it afterwards. */
import { loadConfig } from '../config/index.js';
import { resolveSecrets } from '../config/secrets.js';
import { openDatabase, type Database } from '../db/client.js';
import { createSecretBox, type SecretBox } from '../security/encryption.js';
import { ensureSameEncryptionKey } from '../security/key-check.js';

/** Runs `run` on the configured database, closed afterwards. */
export async function withDatabase<T>(run: (database: Database) => Promise<T>): Promise<T> {
  const database = await openDatabase(loadConfig().database);
  try {
    return await run(database);
  } finally {
    await database.close();
  }
}

/**
 * `withDatabase` with the secret box, for commands that seal secrets: its key must be the one
 * the database's other processes use (`security/key-check.ts`).
 */
export async function withSecretBox<T>(run: (database: Database, box: SecretBox) => Promise<T>): Promise<T> {
  const box = createSecretBox(resolveSecrets(loadConfig()).encryptionKey);
  return withDatabase(async (database) => {
    await ensureSameEncryptionKey(database.db, box);
    return run(database, box);
  });
}

export class UsageError extends Error {
  override name = 'UsageError';
}

export function required(values: Record<string, string | boolean | undefined>, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required`);
  return value;
}
