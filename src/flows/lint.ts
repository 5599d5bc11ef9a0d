/**
 * The flow linter: everything the schema cannot see. Errors block activation; warnings are
 * advice. Every issue names its node (or edge) and carries a stable code.
 */
import type { FlowDefinition } from './definition.js';
import { indexDefinition } from './graph.js';
import { checkLimits } from './lint/limits.js';
import { checkNodeRules } from './lint/node-rules.js';
import { type LintOptions, type LintReport, createLintContext } from './lint/report.js';
import { checkStructure } from './lint/structure.js';
import { checkVariables } from './lint/variables.js';
import { checkTiming } from './lint/window.js';

export type { LintCode, LintIssue, LintOptions, LintReport } from './lint/report.js';
export { LINT_CODES } from './lint/report.js';

export function lintDefinition(definition: FlowDefinition, options: LintOptions = {}): LintReport {
  const { context, report } = createLintContext(definition, indexDefinition(definition), options);
  checkStructure(context);
  checkLimits(context);
  checkNodeRules(context);
  checkVariables(context);
  checkTiming(context);
  return report;
}
