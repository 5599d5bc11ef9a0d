/**
 * `X-Hub-Signature-256` (reference §3): HMAC-SHA256 of the raw request body with the app
 * secret, sent as `sha256=<hex>`. Always computed over the bytes as received: re-serialised
 * JSON differs from Meta's (`\/`, `\u00e4` escapes) and would never match.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const PREFIX = 'sha256=';
const HEX_DIGEST = /^[0-9a-f]{64}$/i;

function digest(secret: string, rawBody: Buffer | string): Buffer {
  return createHmac('sha256', secret).update(rawBody).digest();
}

/** The header value Meta would send for this body. */
export function signatureHeader(secret: string, rawBody: Buffer | string): string {
  return PREFIX + digest(secret, rawBody).toString('hex');
}

/**
 * True when `header` is a well-formed signature of `rawBody` under any of `secrets` (several
 * secrets allow rotation and per-tenant overrides). Empty secrets never match, so an unset
 * secret cannot turn verification into a formality. Never throws.
 */
export function verifySignature(rawBody: Buffer, header: string | undefined, secrets: readonly string[]): boolean {
  if (typeof header !== 'string' || !header.startsWith(PREFIX)) return false;
  const hex = header.slice(PREFIX.length);
  if (!HEX_DIGEST.test(hex)) return false;
  const received = Buffer.from(hex, 'hex');
  return secrets.some((secret) => {
    if (secret.length === 0) return false;
    const expected = digest(secret, rawBody);
    return expected.length === received.length && timingSafeEqual(expected, received);
  });
}
