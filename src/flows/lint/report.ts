/** What the linter reports, and the shared context every check writes into. */
import type { FlowDefinition } from '../definition.js';
import type { FlowGraph } from '../graph.js';

export const LINT_CODES = [
  // structure
  'no-start-node', 'multiple-start-nodes', 'duplicate-node-id', 'duplicate-edge-id',
  'edge-source-missing', 'edge-target-missing', 'unknown-handle', 'duplicate-handle-edge',
  'missing-edge', 'dead-end', 'goto-missing-node', 'goto-unknown-flow', 'unreachable-node',
  'loop-without-wait',
  // WhatsApp content limits
  'empty-text', 'text-too-long', 'body-too-long', 'header-too-long', 'footer-too-long',
  'caption-too-long', 'button-count', 'empty-title', 'title-too-long', 'duplicate-title',
  'id-too-long', 'duplicate-id', 'reserved-id', 'section-count', 'row-count', 'empty-section',
  'section-title-required', 'description-too-long', 'button-label-too-long',
  'template-name-too-long', 'media-field-ignored', 'invalid-emoji',
  // variables
  'variable-used-before-set', 'reserved-variable', 'secret-outside-request',
  // time
  'outside-service-window', 'delay-exceeds-session-timeout', 'timeout-exceeds-session-timeout', 'unattended-loop',
  // node rules
  'invalid-regex', 'no-rules', 'no-branches', 'zero-weights', 'invalid-bounds', 'http-timeout-capped', 'http-body-ignored', 'invalid-url', 'secret-to-chosen-host', 'template-button-incomplete',
] as const;
export type LintCode = (typeof LINT_CODES)[number];

export interface LintIssue {
  /** The node the problem is in or leaves from. */
  nodeId?: string;
  /** The edge the problem is in, for edge problems. */
  edgeId?: string;
  code: LintCode;
  message: string;
}

export interface LintReport {
  errors: LintIssue[];
  warnings: LintIssue[];
}

export interface LintOptions {
  /** Ids of the tenant's flows: a `goto` to any other flow id is an error. Unchecked when absent. */
  knownFlowIds?: readonly string[];
  /** Variables the caller provides before the flow starts (no "used before set" warning for them). */
  predefinedVariables?: readonly string[];
}

export interface Where {
  nodeId?: string;
  edgeId?: string;
}

export interface LintContext {
  definition: FlowDefinition;
  graph: FlowGraph;
  options: LintOptions;
  error(code: LintCode, message: string, where?: Where): void;
  warn(code: LintCode, message: string, where?: Where): void;
}

export function createLintContext(
  definition: FlowDefinition,
  graph: FlowGraph,
  options: LintOptions,
): { context: LintContext; report: LintReport } {
  const report: LintReport = { errors: [], warnings: [] };
  const issue = (code: LintCode, message: string, where: Where = {}): LintIssue => ({ ...where, code, message });
  return {
    report,
    context: {
      definition,
      graph,
      options,
      error: (code, message, where) => report.errors.push(issue(code, message, where)),
      warn: (code, message, where) => report.warnings.push(issue(code, message, where)),
    },
  };
}
