/**
 * Every process on one database must seal and open secrets with the same key. A process started
 * without ENCRYPTION_KEY generates one in its own DATA_DIR: beside others (scaled mode, or a
 * `waflow users` run from another folder) it would store tokens no other process can read, and
 * every send of those tenants would fail. The first process to start stores a value sealed with
 * its key; the others must be able to open it, or they refuse to start.
 */
import { ConfigError } from '../config/index.js';
import type { Db } from '../db/client.js';
import { settingOrInit } from '../db/repositories/settings.js';
import type { SecretBox } from './encryption.js';

const CHECK_SETTING = 'encryption_key_check';
const CHECK_TEXT = 'waflow';

export async function ensureSameEncryptionKey(db: Db, box: SecretBox): Promise<void> {
  const sealed = await settingOrInit(db, CHECK_SETTING, box.seal(CHECK_TEXT));
  let opened: string | null = null;
  try {
    opened = box.open(sealed);
  } catch {
    // reported below
  }
  if (opened !== CHECK_TEXT) {
    throw new ConfigError(
      'ENCRYPTION_KEY is not the key this database was first used with: set the same ENCRYPTION_KEY ' +
        '(64 hex characters) for every process that shares the database (a process without one uses ' +
        'the key generated in its own DATA_DIR/secrets.json)',
    );
  }
}
