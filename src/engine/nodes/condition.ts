import type { NodeOfType } from '../../flows/definition.js';
import { type NodeHandler, fail, follow } from '../node-handler.js';
import { evaluateCondition } from '../rules.js';

/** Leaves by `true` when all (or any) of its rules hold, else by `false`. */
export const condition: NodeHandler<NodeOfType<'condition'>> = {
  enter(node, run) {
    const outcome = evaluateCondition(node.data, run);
    if (!outcome.ok) return fail(`"${node.id}": ${outcome.reason}`);
    return follow(outcome.value ? 'true' : 'false');
  },
};
