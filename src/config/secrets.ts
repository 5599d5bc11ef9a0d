/**
 * Secrets that may be left unset: ADMIN_TOKEN, WHATSAPP_VERIFY_TOKEN and ENCRYPTION_KEY are
 * generated once into DATA_DIR/secrets.json (mode 0600) so `npm start` needs no setup and a
 * restart keeps the same values. Values from the environment always win.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from './index.js';

interface StoredSecrets {
  adminToken?: string;
  verifyToken?: string;
  encryptionKey?: string;
}

export interface Secrets {
  adminToken: string;
  verifyToken: string;
  encryptionKey: Buffer;
  /** Where generated secrets live, when any was generated or read from disk. */
  file: string | null;
  /** Names of the secrets taken from the file rather than the environment. */
  fromFile: Array<keyof StoredSecrets>;
}

export function secretsFile(dataDir: string): string {
  return join(dataDir, 'secrets.json');
}

export function resolveSecrets(config: Config): Secrets {
  const file = secretsFile(config.dataDir);
  const stored: StoredSecrets = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as StoredSecrets) : {};
  const fromFile: Array<keyof StoredSecrets> = [];
  const take = (name: keyof StoredSecrets, fromEnv: string | null, generate: () => string): string => {
    if (fromEnv !== null) return fromEnv;
    stored[name] ??= generate();
    fromFile.push(name);
    return stored[name];
  };

  const adminToken = take('adminToken', config.adminToken, () => `wfa_${randomBytes(24).toString('base64url')}`);
  const verifyToken = take('verifyToken', config.verifyToken, () => randomBytes(18).toString('base64url'));
  const encryptionKey = take('encryptionKey', config.encryptionKey?.toString('hex') ?? null, () =>
    randomBytes(32).toString('hex'),
  );

  if (fromFile.length > 0) {
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(file, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
  }
  return {
    adminToken,
    verifyToken,
    encryptionKey: Buffer.from(encryptionKey, 'hex'),
    file: fromFile.length > 0 ? file : null,
    fromFile,
  };
}
