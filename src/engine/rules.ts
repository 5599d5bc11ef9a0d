/**
 * Condition rules. Both sides are interpolated (a `regex` rule's right side is the pattern,
 * taken literally so user text can never change it). Decisions:
 * - eq/neq compare the texts after trimming; two numbers are also equal by value ("5" = "5.0").
 * - gt/gte/lt/lte compare numbers only, read as question answers are ("1,5" reads as 1.5;
 *   "1,500" and "1.000" are not numbers, being 1.5 or 1500 depending on the country); if either
 *   side is not a number the rule is false.
 * - `ignoreCase` compares as triggers do (case, accents and outer spaces ignored).
 * - isSet: every variable the left side names has a value (`{{contact.name}}` when the profile
 *   has a name, `{{input}}` after any text message); a left side naming none is set when not
 *   blank. isEmpty: the left side renders blank.
 * - Rules run in order and stop once the outcome is decided (the first false under `all`, the
 *   first true under `any`): a later rule, even a broken one, is then not evaluated.
 * - Regex rules share one budget per step (instructions × characters, see safe-regex), whatever
 *   the number of conditions the step runs: a chain of conditions could otherwise hold the
 *   worker for seconds. The condition whose pattern would need more than is left fails with the
 *   reason.
 * - `ignoreCase` on a `regex` rule matches regardless of case (RE2's case folding); the text is
 *   matched as written, accents included, so the pattern keeps its meaning.
 */
import type { ConditionData, ConditionRule } from '../flows/definition.js';
import { referencedVariables } from '../flows/interpolate.js';
import { REGEX_LIMITS, compileSafeRegex } from '../flows/safe-regex.js';
import { normalizeText } from '../flows/trigger.js';
import { parseNumber } from './answers.js';
import type { NodeRun } from './node-handler.js';

export type ConditionOutcome = { ok: true; value: boolean } | { ok: false; reason: string };

/** Two worst-case matches: tens of milliseconds of regex work per step at most. */
export const REGEX_WORK_PER_STEP = 2 * REGEX_LIMITS.programSize * REGEX_LIMITS.inputLength;

export function evaluateCondition(data: ConditionData, run: NodeRun): ConditionOutcome {
  // the value one rule must have to decide the whole condition
  const decisive = data.match === 'any';
  for (const rule of data.rules) {
    const outcome = evaluateRule(rule, run);
    if (!outcome.ok || outcome.value === decisive) return outcome;
  }
  return { ok: true, value: !decisive };
}

function evaluateRule(rule: ConditionRule, run: NodeRun): ConditionOutcome {
  const left = run.interpolate(rule.left);
  if (!('right' in rule)) {
    return { ok: true, value: rule.op === 'isSet' ? isSet(rule.left, left, run) : left.trim() === '' };
  }
  if (rule.op === 'regex') return testPattern(rule.right, rule.ignoreCase === true, left, run);
  const prepare = rule.ignoreCase ? normalizeText : (text: string) => text.trim();
  const a = prepare(left);
  const b = prepare(run.interpolate(rule.right));
  const order = compareNumbers(a, b);
  switch (rule.op) {
    case 'eq':
      return { ok: true, value: a === b || order === 0 };
    case 'neq':
      return { ok: true, value: !(a === b || order === 0) };
    case 'contains':
      return { ok: true, value: a.includes(b) };
    case 'startsWith':
      return { ok: true, value: a.startsWith(b) };
    case 'endsWith':
      return { ok: true, value: a.endsWith(b) };
    case 'gt':
      return { ok: true, value: order === 1 };
    case 'gte':
      return { ok: true, value: order === 1 || order === 0 };
    case 'lt':
      return { ok: true, value: order === -1 };
    case 'lte':
      return { ok: true, value: order === -1 || order === 0 };
  }
}

function testPattern(pattern: string, ignoreCase: boolean, text: string, run: NodeRun): ConditionOutcome {
  const compiled = compileSafeRegex(pattern, { ignoreCase });
  if (!compiled.ok) return { ok: false, reason: `invalid pattern ${JSON.stringify(pattern)}: ${compiled.error}` };
  if (!run.spendRegexWork(compiled.regex.cost(text))) {
    return {
      ok: false,
      reason:
        `regex rules need more work than a step may do (${REGEX_WORK_PER_STEP.toLocaleString('en-US')} ` +
        `instructions × characters) at pattern ${JSON.stringify(pattern)}: use fewer or simpler patterns`,
    };
  }
  return { ok: true, value: compiled.regex.test(text) };
}

/** -1, 0 or 1 when both texts are numbers; null otherwise. */
function compareNumbers(a: string, b: string): number | null {
  const x = parseNumber(a);
  const y = parseNumber(b);
  return x === null || y === null ? null : Math.sign(x - y);
}

function isSet(template: string, rendered: string, run: NodeRun): boolean {
  const names = referencedVariables(template);
  if (names.length === 0) return rendered.trim() !== '';
  return names.every((name) => {
    if (name === 'contact.phone') return true;
    if (name === 'contact.name') return run.contact.name !== null;
    if (name === 'input') return run.input !== null;
    return run.variable(name) !== undefined;
  });
}
