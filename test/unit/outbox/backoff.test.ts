/** Retry delays: exponential in the attempt, with jitter, capped. */
import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../src/outbox/backoff.js';

describe('backoffDelay', () => {
  it('doubles its ceiling with each attempt, between half the ceiling and the ceiling', () => {
    for (const [attempt, ceiling] of [[1, 1_000], [2, 2_000], [3, 4_000], [4, 8_000]] as const) {
      expect(backoffDelay(attempt, 1_000, 300_000, () => 0)).toBe(ceiling / 2);
      expect(backoffDelay(attempt, 1_000, 300_000, () => 1)).toBe(ceiling);
    }
  });

  it('jitters: random draws spread over the whole range', () => {
    const delays = Array.from({ length: 200 }, () => backoffDelay(3, 1_000));
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(2_000);
      expect(delay).toBeLessThanOrEqual(4_000);
    }
    expect(new Set(delays).size).toBeGreaterThan(50);
    expect(Math.min(...delays)).toBeLessThan(2_500);
    expect(Math.max(...delays)).toBeGreaterThan(3_500);
  });

  it('never waits longer than the cap', () => {
    expect(backoffDelay(30, 1_000, 60_000, () => 1)).toBe(60_000);
    expect(backoffDelay(30, 1_000, 60_000, () => 0)).toBe(30_000);
  });
});
