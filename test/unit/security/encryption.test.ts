/** The secret box: AES-256-GCM values open only with their key and their whole authentication tag. */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DecryptionError, createSecretBox } from '../../../src/security/encryption.js';

const box = createSecretBox(randomBytes(32));

/** A sealed value with its tag cut to `bytes`: what a forger would try, a short tag being far easier to guess. */
function withTagCut(sealed: string, bytes: number): string {
  const [version, iv, tag, body] = sealed.split('.');
  return [version, iv, Buffer.from(tag!, 'base64url').subarray(0, bytes).toString('base64url'), body].join('.');
}

describe('secret box', () => {
  it('opens what it sealed', () => {
    expect(box.open(box.seal('EAAG-token'))).toBe('EAAG-token');
  });

  it.each([4, 8, 12, 15])('refuses a value whose tag is cut to %i bytes, saying so', (bytes) => {
    const cut = withTagCut(box.seal('EAAG-token'), bytes);
    expect(() => box.open(cut)).toThrow(DecryptionError);
    expect(() => box.open(cut)).toThrow(`the authentication tag is ${bytes} bytes, not 16`);
  });

  it('refuses a value sealed with another key', () => {
    expect(() => createSecretBox(randomBytes(32)).open(box.seal('EAAG-token'))).toThrow(/ENCRYPTION_KEY differs/);
  });
});
