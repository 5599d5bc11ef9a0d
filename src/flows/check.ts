/** Schema and lint in one call, as the admin API and `waflow flows lint` need them. */
import { type FlowDefinition, parseDefinition } from './definition.js';
import { type LintIssue, type LintOptions, lintDefinition } from './lint.js';

export interface SchemaIssue {
  nodeId?: string;
  path: string;
  code: 'schema';
  message: string;
}

export type CheckResult =
  /** The definition parsed; it may be activated when `errors` is empty. */
  | { ok: true; definition: FlowDefinition; errors: LintIssue[]; warnings: LintIssue[] }
  | { ok: false; errors: SchemaIssue[]; warnings: [] };

export function checkDefinition(input: unknown, options: LintOptions = {}): CheckResult {
  const parsed = parseDefinition(input);
  if (!parsed.ok) {
    return { ok: false, errors: parsed.issues.map((issue) => ({ ...issue, code: 'schema' })), warnings: [] };
  }
  return { ok: true, definition: parsed.definition, ...lintDefinition(parsed.definition, options) };
}
