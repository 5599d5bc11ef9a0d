import { describe, expect, it } from 'vitest';
import { REGEX_LIMITS, compileSafeRegex } from '../../../src/flows/safe-regex.js';

function compiled(pattern: string) {
  const result = compileSafeRegex(pattern);
  if (!result.ok) throw new Error(result.error);
  return result.regex;
}

describe('compileSafeRegex', () => {
  it('matches like a search, with RE2 syntax and inline flags', () => {
    expect(compiled('\\d{3}').test('abc 123')).toBe(true);
    expect(compiled('^\\d{3}$').test('abc 123')).toBe(false);
    expect(compiled('(?i)^hola$').test('HOLA')).toBe(true);
  });

  it('compiles case-insensitively on request, caching each flag apart', () => {
    const folded = compileSafeRegex('^yes$', { ignoreCase: true });
    expect(folded.ok && folded.regex.test('YES')).toBe(true);
    expect(compiled('^yes$').test('YES')).toBe(false);
    expect(folded.ok && folded.regex.test('YES')).toBe(true);
  });

  it('runs catastrophic patterns in linear time', () => {
    for (const pattern of ['^(a+)+$', '(a|aa)+$', '(\\w+\\s?)*$', '^(a|a?)+$']) {
      const regex = compiled(pattern);
      const started = performance.now();
      const matched = regex.test(`${'a'.repeat(50)}b`);
      const worst = regex.test(`${'a'.repeat(REGEX_LIMITS.inputLength - 1)}!`);
      const elapsed = performance.now() - started;
      expect(matched).toBe(pattern === '(\\w+\\s?)*$');
      expect(typeof worst).toBe('boolean');
      expect(elapsed).toBeLessThan(250);
    }
  });

  it('rejects invalid, unsupported, too long and too complex patterns with a reason', () => {
    for (const pattern of ['(a', '(?=a)', '(a)\\1', 'x'.repeat(REGEX_LIMITS.patternLength + 1), '(a{999}){999}', '(((a{100}){100}){100})']) {
      const result = compileSafeRegex(pattern);
      expect(result.ok, pattern.slice(0, 30)).toBe(false);
      if (!result.ok) expect(result.error).toMatch(/\S/);
    }
  });

  it('bounds the work of one match: programs over the instruction cap are refused, the largest allowed stays fast', () => {
    // 9,802 instructions: 0.3–0.9 s per 1,000-character input when it was accepted
    const refused = compileSafeRegex('(?:.?){1000}(?:.?){1000}(?:.?){1000}(?:.?){1000}(?:.?){900}');
    expect(refused).toEqual({ ok: false, error: expect.stringContaining('compiles to 9,802 instructions, at most 1,000 are allowed') });
    const largest = compiled('(?:.?){499}');
    const input = `${'x'.repeat(REGEX_LIMITS.inputLength - 1)}!`;
    expect(largest.cost(input)).toBe(REGEX_LIMITS.programSize * REGEX_LIMITS.inputLength);
    const started = performance.now();
    expect(largest.test(input)).toBe(true);
    expect(performance.now() - started).toBeLessThan(250);
  });

  it('costs nothing for inputs it never matches', () => {
    expect(compiled('a').cost('a'.repeat(REGEX_LIMITS.inputLength + 1))).toBe(0);
  });

  it('never matches inputs over the length cap', () => {
    expect(compiled('a').test('a'.repeat(REGEX_LIMITS.inputLength))).toBe(true);
    expect(compiled('a').test('a'.repeat(REGEX_LIMITS.inputLength + 1))).toBe(false);
  });
});
