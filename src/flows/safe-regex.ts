/**
 * Regular expressions written by flow authors (condition rules, question validation), run on
 * text written by users. They go through RE2 (the `re2js` port), which matches in time linear in
 * the input, so no pattern can make the worker backtrack for ever (ReDoS). Linear is not cheap:
 * a match steps through up to every instruction of the compiled program for every input
 * character, and counted repetitions expand (`(?:.?){1000}` is 2,000 instructions), so a
 * 10,000-instruction program on a 1,000-character input held the event loop for a third of a
 * second. Patterns, programs and inputs are therefore capped so one match does at most
 * `programSize × inputLength` steps (a few milliseconds), and compiled patterns are cached.
 *
 * RE2 syntax: no backreferences or lookaround; inline flags such as `(?i)` work, and
 * `ignoreCase` compiles the whole pattern case-insensitively.
 */
import { RE2JS } from 're2js';

export const REGEX_LIMITS = {
  /** Longest pattern accepted. */
  patternLength: 500,
  /** Largest compiled program accepted, in instructions (bounds the memory and time of one match). */
  programSize: 1_000,
  /** Longer inputs never match: cutting them would change what the pattern means. */
  inputLength: 1000,
} as const;

export interface SafeRegex {
  /** Whether the input contains a match (anchor the pattern with ^…$ for a whole match). */
  test(input: string): boolean;
  /** An upper bound of the work `test(input)` does: program size × input length (0 for inputs never matched). */
  cost(input: string): number;
}

export type CompileResult = { ok: true; regex: SafeRegex } | { ok: false; error: string };

export interface RegexOptions {
  /** Match regardless of case. */
  ignoreCase?: boolean;
}

const CACHE_SIZE = 256;
const cache = new Map<string, CompileResult>();

export function compileSafeRegex(pattern: string, { ignoreCase = false }: RegexOptions = {}): CompileResult {
  // one entry per pattern and flag: the same pattern compiles to another program without case
  const key = `${ignoreCase ? 'i' : '-'}${pattern}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const result = compile(pattern, ignoreCase);
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value ?? '');
  cache.set(key, result);
  return result;
}

function compile(pattern: string, ignoreCase: boolean): CompileResult {
  if (pattern.length > REGEX_LIMITS.patternLength) {
    return { ok: false, error: `pattern is longer than ${REGEX_LIMITS.patternLength} characters` };
  }
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(pattern, ignoreCase ? RE2JS.CASE_INSENSITIVE : 0);
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  const size = compiled.re2().numberOfInstructions();
  if (size > REGEX_LIMITS.programSize) return { ok: false, error: tooComplex(size) };
  const matchable = (input: string) => input.length <= REGEX_LIMITS.inputLength;
  return {
    ok: true,
    regex: {
      test: (input) => matchable(input) && compiled.matcher(input).find(),
      cost: (input) => (matchable(input) ? size * input.length : 0),
    },
  };
}

function tooComplex(size: number): string {
  return (
    `pattern is too complex: it compiles to ${size.toLocaleString('en-US')} instructions, ` +
    `at most ${REGEX_LIMITS.programSize.toLocaleString('en-US')} are allowed ` +
    '(counted repetitions such as {500} repeat their group that many times; use smaller counts, or + and *)'
  );
}
