import type { NodeOfType } from '../../flows/definition.js';
import { type NodeHandler, fail, follow } from '../node-handler.js';
import { unitInterval } from '../random.js';

/**
 * Takes one branch at random, in proportion to the weights (default 1; all zero: equal chances).
 * The draw is seeded by contact, node and time, or by contact and node only when `sticky`, so a
 * contact always lands on the same branch of an A/B test.
 */
export const randomSplit: NodeHandler<NodeOfType<'randomSplit'>> = {
  enter(node, run) {
    const { branches, sticky } = node.data;
    const seed = sticky ? `${run.contact.phone}|${node.id}` : `${run.contact.phone}|${node.id}|${run.now}`;
    const chosen = branches[pickWeighted(branches.map((branch) => branch.weight ?? 1), unitInterval(seed))];
    return chosen ? follow(chosen.id) : fail(`"${node.id}": has no branches`);
  },
};

/** The index whose share of the total weight `u` (in [0, 1)) falls into. */
function pickWeighted(weights: readonly number[], u: number): number {
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const shares = total > 0 ? weights : weights.map(() => 1);
  let point = u * (total > 0 ? total : weights.length);
  for (const [i, share] of shares.entries()) {
    point -= share;
    if (point < 0) return i;
  }
  return weights.length - 1; // rounding at the very top
}
