import type { Db } from '../../db/client.js';
import type { SecretBox } from '../../security/encryption.js';
import type { Authenticator } from '../auth.js';

export interface ApiDeps {
  db: Db;
  auth: Authenticator;
  box: SecretBox;
  /** A user's credentials or number changed: caches refresh; a new token resumes paused sends. */
  onUserChanged(userId: string, change: { tokenReplaced: boolean }): void;
}
