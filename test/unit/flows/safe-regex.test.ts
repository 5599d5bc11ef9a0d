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

  it('never matches inputs over the length cap', () => {
    expect(compiled('a').test('a'.repeat(REGEX_LIMITS.inputLength))).toBe(true);
    expect(compiled('a').test('a'.repeat(REGEX_LIMITS.inputLength + 1))).toBe(false);
  });
});
