/**
 * Regular expressions written by flow authors (condition rules, question validation), run on
 * text written by users. They go through RE2 (the `re2js` port), which matches in time linear in
 * the input, so no pattern can make the worker backtrack for ever (ReDoS). On top of that,
 * patterns and inputs are capped so a single match stays cheap, and compiled patterns are cached.
 *
 * RE2 syntax: no backreferences or lookaround; inline flags such as `(?i)` work.
 */
import { RE2JS } from 're2js';

export const REGEX_LIMITS = {
  /** Longest pattern accepted. */
  patternLength: 500,
  /** Largest compiled program accepted (bounds the memory and time of one match). */
  programSize: 10_000,
  /** Longer inputs never match: cutting them would change what the pattern means. */
  inputLength: 1000,
} as const;

export interface SafeRegex {
  /** Whether the input contains a match (anchor the pattern with ^…$ for a whole match). */
  test(input: string): boolean;
}

export type CompileResult = { ok: true; regex: SafeRegex } | { ok: false; error: string };

const CACHE_SIZE = 256;
const cache = new Map<string, CompileResult>();

export function compileSafeRegex(pattern: string): CompileResult {
  const cached = cache.get(pattern);
  if (cached) return cached;
  const result = compile(pattern);
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value ?? '');
  cache.set(pattern, result);
  return result;
}

function compile(pattern: string): CompileResult {
  if (pattern.length > REGEX_LIMITS.patternLength) {
    return { ok: false, error: `pattern is longer than ${REGEX_LIMITS.patternLength} characters` };
  }
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(pattern);
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  if (compiled.re2().numberOfInstructions() > REGEX_LIMITS.programSize) {
    return { ok: false, error: 'pattern is too complex (its repetitions expand too far)' };
  }
  return {
    ok: true,
    regex: { test: (input) => input.length <= REGEX_LIMITS.inputLength && compiled.matcher(input).find() },
  };
}
