/** Failure texts of a request that carried secrets: every filled value is taken out before it is stored. */
import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../../src/conversation/request-secrets.js';
import type { HttpResult } from '../../../src/engine/types.js';

const FILLED = new Map([
  ['API_KEY', 'sk live/42"x'],
  ['SHORT', 'ab'],
]);
const failure = (error: string): HttpResult => ({ ok: false, status: 401, error });
const errorOf = (result: HttpResult) => (result.ok ? null : result.error);

describe('redactSecrets', () => {
  it('replaces a value as set, percent-encoded and JSON-escaped', () => {
    const text = `Unauthorized: key sk live/42"x; url ?key=${encodeURIComponent('sk live/42"x')}; body {"key":${JSON.stringify('sk live/42"x')}}`;
    expect(errorOf(redactSecrets(failure(text), FILLED))).toBe(
      'Unauthorized: key [secret API_KEY]; url ?key=[secret API_KEY]; body {"key":"[secret API_KEY]"}',
    );
  });

  it('replaces the start of a value cut off by a clipped quote', () => {
    expect(errorOf(redactSecrets(failure('Forbidden: bad key sk live/…'), FILLED))).toBe('Forbidden: bad key [secret API_KEY]…');
    expect(errorOf(redactSecrets(failure('Forbidden: sk…'), FILLED))).toBe('Forbidden: sk…');
  });

  it('replaces short values too, and leaves successes and texts without secrets alone', () => {
    expect(errorOf(redactSecrets(failure('cab'), FILLED))).toBe('c[secret SHORT]');
    expect(errorOf(redactSecrets(failure('timed out after 10000 ms'), FILLED))).toBe('timed out after 10000 ms');
    const success: HttpResult = { ok: true, status: 200, body: { echoed: 'sk live/42"x' } };
    expect(redactSecrets(success, FILLED)).toBe(success);
  });
});
