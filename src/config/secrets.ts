/**
 * Secrets that may be left unset: ADMIN_TOKEN, WHATSAPP_VERIFY_TOKEN and ENCRYPTION_KEY are
 * generated once into DATA_DIR/secrets.json (mode 0600) so `npm start` needs no setup and a
 * restart keeps the same values. Values from the environment always win.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Config } from './index.js';

export interface StoredSecrets {
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
  const existing = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as StoredSecrets) : null;
  const stored: StoredSecrets = { ...existing };
  const fromFile: Array<keyof StoredSecrets> = [];
  let generated = false;
  const take = (name: keyof StoredSecrets, fromEnv: string | null, generate: () => string): string => {
    if (fromEnv !== null) return fromEnv;
    fromFile.push(name);
    if (stored[name] === undefined) {
      stored[name] = generate();
      generated = true;
    }
    return stored[name];
  };

  const adminToken = take('adminToken', config.adminToken, () => `wfa_${randomBytes(24).toString('base64url')}`);
  const verifyToken = take('verifyToken', config.verifyToken, () => randomBytes(18).toString('base64url'));
  const encryptionKey = take('encryptionKey', config.encryptionKey?.toString('hex') ?? null, () =>
    randomBytes(32).toString('hex'),
  );

  // Another process sharing DATA_DIR may publish first: then everyone uses its values.
  if (generated && publishSecrets(file, stored, existing !== null) !== stored) return resolveSecrets(config);
  return {
    adminToken,
    verifyToken,
    encryptionKey: Buffer.from(encryptionKey, 'hex'),
    file: fromFile.length > 0 ? file : null,
    fromFile,
  };
}

/**
 * Writes the generated secrets so that the file appears complete or not at all (written aside,
 * then hard-linked into place, which fails if it exists): two processes starting together on one
 * DATA_DIR cannot read half a file or keep different keys. Returns the secrets that are now in the
 * file: the caller's, or those another process published first.
 *
 * `adding`: the caller read the file and adds a secret it lacked, so the file is replaced whole.
 * A caller that found no file never replaces one: another process may have published it since
 * (and started with its keys), and replacing it would give the two processes different keys.
 */
export function publishSecrets(file: string, secrets: StoredSecrets, adding: boolean): StoredSecrets {
  mkdirSync(dirname(file), { recursive: true });
  const aside = `${file}.${process.pid}.tmp`;
  writeFileSync(aside, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  try {
    if (adding) {
      renameSync(aside, file);
      return secrets;
    }
    linkSync(aside, file);
    return secrets;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return JSON.parse(readFileSync(file, 'utf8')) as StoredSecrets;
  } finally {
    if (existsSync(aside)) unlinkSync(aside);
  }
}
