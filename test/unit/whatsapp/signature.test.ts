import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signatureHeader, verifySignature } from '../../../src/whatsapp/signature.js';

const secret = 'app-secret';
const body = Buffer.from('{"object":"whatsapp_business_account","entry":[]}');
const expectedHex = createHmac('sha256', secret).update(body).digest('hex');

describe('signatureHeader', () => {
  it('is sha256= and the lowercase hex HMAC of the body', () => {
    expect(signatureHeader(secret, body)).toBe(`sha256=${expectedHex}`);
    expect(signatureHeader(secret, body.toString('utf8'))).toBe(`sha256=${expectedHex}`);
  });
});

describe('verifySignature', () => {
  const valid = `sha256=${expectedHex}`;

  it('accepts a valid signature', () => {
    expect(verifySignature(body, valid, [secret])).toBe(true);
  });

  it('accepts when any of several secrets matches', () => {
    expect(verifySignature(body, valid, ['old-secret', secret])).toBe(true);
  });

  it('accepts uppercase hex', () => {
    expect(verifySignature(body, `sha256=${expectedHex.toUpperCase()}`, [secret])).toBe(true);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['without prefix', expectedHex],
    ['with another algorithm', `sha1=${expectedHex}`],
    ['with an uppercase prefix', `SHA256=${expectedHex}`],
    ['too short', valid.slice(0, -2)],
    ['too long', `${valid}00`],
    ['not hex', `sha256=${'z'.repeat(64)}`],
    ['with surrounding space', ` ${valid}`],
  ])('rejects a header %s', (_case, header) => {
    expect(verifySignature(body, header, [secret])).toBe(false);
  });

  it('rejects a header that is not a string at run time', () => {
    const headers: Record<string, unknown> = { 'x-hub-signature-256': [valid, valid] };
    expect(verifySignature(body, headers['x-hub-signature-256'] as string, [secret])).toBe(false);
  });

  it('rejects a modified body', () => {
    const modified = Buffer.from(body.toString('utf8').replace('[]', '[ ]'));
    expect(verifySignature(modified, valid, [secret])).toBe(false);
  });

  it('rejects the wrong secret, no secrets and an empty secret', () => {
    expect(verifySignature(body, valid, ['other'])).toBe(false);
    expect(verifySignature(body, valid, [])).toBe(false);
    const signedWithEmpty = signatureHeader('', body);
    expect(verifySignature(body, signedWithEmpty, [''])).toBe(false);
  });

  it('verifies the raw bytes, not re-serialised JSON (escaped slashes and unicode)', () => {
    // As Meta writes it: "\/" and "\u00e4" escapes, which JSON.stringify would not reproduce.
    const raw = Buffer.from('{"text":{"body":"M\\u00e4rz \\ud83d\\ude00 https:\\/\\/example.com \\u0040 you"}}');
    const header = signatureHeader(secret, raw);
    expect(verifySignature(raw, header, [secret])).toBe(true);
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(raw.toString('utf8'))));
    expect(reserialised.equals(raw)).toBe(false);
    expect(verifySignature(reserialised, header, [secret])).toBe(false);
  });

  it('verifies multi-byte UTF-8 bodies byte for byte', () => {
    const raw = Buffer.from('{"name":"Zoë Ñandú 😀"}', 'utf8');
    expect(verifySignature(raw, signatureHeader(secret, raw), [secret])).toBe(true);
    expect(verifySignature(Buffer.from(raw.toString('latin1'), 'utf8'), signatureHeader(secret, raw), [secret])).toBe(false);
  });
});
