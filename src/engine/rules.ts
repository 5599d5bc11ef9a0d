/**
 * Condition rules. Both sides are interpolated (a `regex` rule's right side is the pattern,
 * taken literally so user text can never change it). Decisions:
 * - eq/neq compare the texts after trimming; two numbers are also equal by value ("5" = "5.0").
 * - gt/gte/lt/lte compare numbers only ("1,5" reads as 1.5); if either side is not a number the
 *   rule is false.
 * - `ignoreCase` compares as triggers do (case, accents and outer spaces ignored).
 * - isSet: every variable the left side names has a value (`{{contact.name}}` when the profile
 *   has a name, `{{input}}` after any text message); a left side naming none is set when not
 *   blank. isEmpty: the left side renders blank.
 */
import type { ConditionData, ConditionRule } from '../flows/definition.js';
import { referencedVariables } from '../flows/interpolate.js';
import { compileSafeRegex } from '../flows/safe-regex.js';
import { normalizeText } from '../flows/trigger.js';
import { parseNumber } from './answers.js';
import type { NodeRun } from './node-handler.js';

export type ConditionOutcome = { ok: true; value: boolean } | { ok: false; reason: string };

export function evaluateCondition(data: ConditionData, run: NodeRun): ConditionOutcome {
  let matched = 0;
  for (const rule of data.rules) {
    const outcome = evaluateRule(rule, run);
    if (!outcome.ok) return outcome;
    if (outcome.value) matched += 1;
  }
  return { ok: true, value: data.match === 'all' ? matched === data.rules.length : matched > 0 };
}

function evaluateRule(rule: ConditionRule, run: NodeRun): ConditionOutcome {
  const left = run.interpolate(rule.left);
  if (!('right' in rule)) {
    return { ok: true, value: rule.op === 'isSet' ? isSet(rule.left, left, run) : left.trim() === '' };
  }
  if (rule.op === 'regex') {
    const compiled = compileSafeRegex(rule.right);
    if (!compiled.ok) return { ok: false, reason: `invalid pattern ${JSON.stringify(rule.right)}: ${compiled.error}` };
    return { ok: true, value: compiled.regex.test(left) };
  }
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
