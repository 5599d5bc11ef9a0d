/**
 * Short-lived tokens for socket.io handshakes, so a browser need not send its API key over the
 * socket. Stateless (an HMAC over the user id and expiry, keyed from ENCRYPTION_KEY), so every
 * process sharing that key accepts them.
 */
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

const PREFIX = 'wfs_';
export const SOCKET_TOKEN_TTL_MS = 2 * 60_000;

export interface SocketTokens {
  mint(userId: string, now: number): { token: string; expiresAt: Date };
  /** The user id, or null for a token that is malformed, forged or expired. */
  verify(token: string, now: number): string | null;
}

export const isSocketToken = (token: string): boolean => token.startsWith(PREFIX);

export function createSocketTokens(encryptionKey: Buffer, ttlMs = SOCKET_TOKEN_TTL_MS): SocketTokens {
  // A key of its own: a token can never be mistaken for, or help forge, anything else.
  const key = Buffer.from(hkdfSync('sha256', encryptionKey, Buffer.alloc(0), 'waflow socket tokens', 32));
  const sign = (body: string) => createHmac('sha256', key).update(body).digest();

  return {
    mint(userId, now) {
      const expiresAt = now + ttlMs;
      const body = Buffer.from(JSON.stringify({ u: userId, e: expiresAt })).toString('base64url');
      return { token: `${PREFIX}${body}.${sign(body).toString('base64url')}`, expiresAt: new Date(expiresAt) };
    },
    verify(token, now) {
      if (!isSocketToken(token)) return null;
      const [body, mac, extra] = token.slice(PREFIX.length).split('.');
      if (!body || !mac || extra !== undefined) return null;
      const expected = sign(body);
      const given = Buffer.from(mac, 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
      const claims = parseClaims(body);
      return claims && claims.e > now ? claims.u : null;
    },
  };
}

function parseClaims(body: string): { u: string; e: number } | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    if (typeof value !== 'object' || value === null) return null;
    const { u, e } = value as Record<string, unknown>;
    return typeof u === 'string' && typeof e === 'number' ? { u, e } : null;
  } catch {
    return null;
  }
}
