/**
 * Secrets at rest (Meta access tokens, app secrets) are stored as AES-256-GCM ciphertext:
 * `v1.<iv>.<tag>.<ciphertext>` in base64url. The key is ENCRYPTION_KEY (or the generated one).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const ALGORITHM = 'aes-256-gcm';
/** GCM's full tag, the one `seal` writes: a shorter one would be far easier to forge. */
const TAG_BYTES = 16;

export interface SecretBox {
  seal(plain: string): string;
  open(sealed: string): string;
}

export class DecryptionError extends Error {
  override name = 'DecryptionError';
}

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error('encryption key must be 32 bytes');
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv(ALGORITHM, key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return [VERSION, iv, cipher.getAuthTag(), body].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
    },
    open(sealed) {
      const [version, iv, tag, body] = sealed.split('.');
      if (version !== VERSION || !iv || !tag || body === undefined) {
        throw new DecryptionError('not an encrypted value (was it written without encryption?)');
      }
      const tagBytes = Buffer.from(tag, 'base64url');
      if (tagBytes.length !== TAG_BYTES) {
        throw new DecryptionError(`cannot decrypt: the authentication tag is ${tagBytes.length} bytes, not ${TAG_BYTES} (a damaged or forged value)`);
      }
      try {
        const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
        decipher.setAuthTag(tagBytes);
        return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        throw new DecryptionError('cannot decrypt: ENCRYPTION_KEY differs from the one used to store this value');
      }
    },
  };
}
