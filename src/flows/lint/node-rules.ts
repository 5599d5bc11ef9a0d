/** Node options that are well-formed but cannot work as written. */
import { HTTP_TIMEOUT_MAX_MS } from '../constants.js';
import type { FlowNode } from '../definition.js';
import { compileSafeRegex } from '../safe-regex.js';
import type { LintContext } from './report.js';

export function checkNodeRules(context: LintContext): void {
  for (const node of context.definition.nodes) checkNode(context, node);
}

function checkNode(context: LintContext, node: FlowNode): void {
  const where = { nodeId: node.id };
  switch (node.type) {
    case 'question': {
      const validation = node.data.validation;
      if (validation?.type === 'regex') checkPattern(context, node, validation.pattern);
      if (validation?.type !== 'text' && validation?.type !== 'number') break;
      const { min, max } = validation;
      if (min !== undefined && max !== undefined && min > max) {
        context.error('invalid-bounds', `"${node.id}": min (${min}) is above max (${max}); no answer can pass.`, where);
      }
      break;
    }
    case 'condition':
      if (node.data.rules.length === 0) {
        const always = node.data.match === 'all' ? 'true' : 'false';
        context.warn('no-rules', `"${node.id}" has no rules: it always leaves by "${always}".`, where);
      }
      for (const rule of node.data.rules) if (rule.op === 'regex') checkPattern(context, node, rule.right);
      break;
    case 'randomSplit':
      if (node.data.branches.length > 0 && node.data.branches.every((branch) => (branch.weight ?? 1) === 0)) {
        context.error('zero-weights', `"${node.id}": every branch has weight 0.`, where);
      }
      break;
    case 'httpRequest':
      if (node.data.timeoutMs !== undefined && node.data.timeoutMs > HTTP_TIMEOUT_MAX_MS) {
        context.warn('http-timeout-capped', `"${node.id}": timeoutMs is capped at ${HTTP_TIMEOUT_MAX_MS}.`, where);
      }
      if (node.data.method === 'GET' && node.data.body !== undefined) {
        context.warn('http-body-ignored', `"${node.id}": a GET request sends no body.`, where);
      }
      break;
    case 'template':
      for (const [index, component] of (node.data.components ?? []).entries()) {
        if (component.type !== 'button' || (component.sub_type !== undefined && component.index !== undefined)) continue;
        context.error(
          'template-button-incomplete',
          `"${node.id}": button component ${index + 1} needs sub_type and index; Meta refuses the template without them.`,
          where,
        );
      }
      break;
    default:
      break;
  }
}

function checkPattern(context: LintContext, node: FlowNode, pattern: string): void {
  const compiled = compileSafeRegex(pattern);
  if (!compiled.ok) {
    context.error('invalid-regex', `"${node.id}": pattern ${JSON.stringify(pattern)} is not usable: ${compiled.error}.`, {
      nodeId: node.id,
    });
  }
}
