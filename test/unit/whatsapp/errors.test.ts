import { describe, expect, it } from 'vitest';
import {
  classifyRetry,
  describeGraphError,
  GraphApiError,
  isTokenError,
  type RetryPolicy,
} from '../../../src/whatsapp/errors.js';

function graphBody(code: number, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ error: { message: `(#${code}) Something`, type: 'OAuthException', code, fbtrace_id: 'Atrace', ...extra } });
}

describe('classifyRetry', () => {
  const retryable = [1, 2, 4, 80007, 131000, 131016, 131057, 133004];
  const permanent = [
    0, 3, 10, 100, 190, 200, 250, 299, 368, 130497, 131008, 131009, 131021, 131026, 131031, 131042, 131047, 131050, 131051,
    131052, 131053, 132000, 132001, 132015, 132999, 133010,
  ];

  it.each(retryable)('retries code %i', (code) => {
    expect(classifyRetry(code, 400)).toBe('yes');
  });

  it('makes only the recipient wait on 131056 (pair rate limit)', () => {
    expect(classifyRetry(131056, 400)).toBe('recipient');
  });

  it('makes every recipient of the number wait on 130429 (throughput limit)', () => {
    expect(classifyRetry(130429, 429)).toBe('number');
  });

  it.each(permanent)('never retries code %i, even on a 5xx', (code) => {
    expect(classifyRetry(code, 400)).toBe('no');
    expect(classifyRetry(code, 500)).toBe('no');
  });

  it.each<[number | null, number | null, RetryPolicy]>([
    [null, 500, 'yes'],
    [null, 502, 'yes'],
    [null, 503, 'yes'],
    [null, 429, 'yes'],
    [null, 400, 'no'],
    [null, 404, 'no'],
    [999999, 400, 'no'],
    [999999, 500, 'yes'],
    [null, null, 'no'],
  ])('falls back to the HTTP status for unknown codes: code %s, HTTP %s → %s', (code, status, expected) => {
    expect(classifyRetry(code, status)).toBe(expected);
  });
});

describe('GraphApiError.fromResponse', () => {
  it('reads every field of a Graph error body', () => {
    const error = GraphApiError.fromResponse(
      400,
      graphBody(131009, { error_subcode: 2494010, error_data: { messaging_product: 'whatsapp', details: 'Button title length invalid' } }),
    );
    expect(error).toBeInstanceOf(GraphApiError);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: 'GraphApiError',
      message: '(#131009) Something',
      code: 131009,
      subcode: 2494010,
      httpStatus: 400,
      retry: 'no',
      fbtraceId: 'Atrace',
      details: 'Button title length invalid',
    });
  });

  it.each<[number, number, RetryPolicy]>([
    [190, 401, 'no'],
    [131056, 400, 'recipient'],
    [130429, 429, 'number'],
    [131000, 500, 'yes'],
    [131047, 400, 'no'],
  ])('classifies code %i (HTTP %i) as %s', (code, status, retry) => {
    expect(GraphApiError.fromResponse(status, graphBody(code)).retry).toBe(retry);
  });

  it('keeps the code when other fields are odd', () => {
    const error = GraphApiError.fromResponse(400, JSON.stringify({ error: { code: 131047, message: 42, error_data: 'x', fbtrace_id: null } }));
    expect(error).toMatchObject({ code: 131047, details: null, fbtraceId: null, retry: 'no' });
    expect(error.message).toContain('131047');
  });

  it('handles a non-JSON answer with an excerpt of it', () => {
    const error = GraphApiError.fromResponse(502, `<html>${'x'.repeat(1000)}</html>`);
    expect(error).toMatchObject({ code: null, httpStatus: 502, retry: 'yes' });
    expect(error.details?.length).toBe(200);
    expect(GraphApiError.fromResponse(400, '').details).toBeNull();
    expect(GraphApiError.fromResponse(400, '{"ok":true}').retry).toBe('no');
  });
});

describe('GraphApiError.fromNetworkError', () => {
  it('is retryable and says it timed out', () => {
    const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    const error = GraphApiError.fromNetworkError(timeout);
    expect(error).toMatchObject({ retry: 'yes', httpStatus: null, code: null });
    expect(error.message).toMatch(/timed out/);
    expect(error.cause).toBe(timeout);
  });

  it('names the system error behind "fetch failed"', () => {
    const cause = new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:1') });
    const error = GraphApiError.fromNetworkError(cause);
    expect(error.retry).toBe('yes');
    expect(error.message).toBe('Graph API request failed: connect ECONNREFUSED 127.0.0.1:1');
  });
});

describe('GraphApiError.unexpectedResponse', () => {
  it('is not retryable', () => {
    expect(GraphApiError.unexpectedResponse(200, 'it carries no messages[0].id')).toMatchObject({ retry: 'no', httpStatus: 200 });
  });
});

describe('isTokenError', () => {
  it('is true for code 190 and for HTTP 401', () => {
    expect(isTokenError(GraphApiError.fromResponse(401, graphBody(190)))).toBe(true);
    expect(isTokenError(GraphApiError.fromResponse(400, graphBody(190)))).toBe(true);
    expect(isTokenError(GraphApiError.fromResponse(401, 'Unauthorized'))).toBe(true);
  });

  it('is false for anything else', () => {
    expect(isTokenError(GraphApiError.fromResponse(400, graphBody(131047)))).toBe(false);
    expect(isTokenError(new Error('190'))).toBe(false);
    expect(isTokenError(null)).toBe(false);
  });
});

describe('describeGraphError', () => {
  it('explains common codes in plain words', () => {
    expect(describeGraphError(GraphApiError.fromResponse(400, graphBody(131047)))).toBe(
      "more than 24 hours since the user's last message: send a template",
    );
    expect(describeGraphError(GraphApiError.fromResponse(401, graphBody(190)))).toBe('access token expired or invalid');
  });

  it("adds Meta's details and falls back to Meta's message", () => {
    const invalid = GraphApiError.fromResponse(400, graphBody(131009, { error_data: { details: 'Button title length invalid' } }));
    expect(describeGraphError(invalid)).toBe('a parameter value is not valid: Button title length invalid');
    expect(describeGraphError(GraphApiError.fromResponse(400, graphBody(4242)))).toBe('(#4242) Something');
  });
});
