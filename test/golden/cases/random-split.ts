/** randomSplit: each branch id (weights make the draw certain here). */
import { type GoldenCase, flow, node, says, text } from '../support.js';

const split = (weights: { a: number; b: number }, sticky: boolean) =>
  flow(
    [
      node('start', 'start'),
      node('ab', 'randomSplit', { branches: [{ id: 'a', weight: weights.a }, { id: 'b', weight: weights.b }], sticky }),
      node('a', 'end', { text: 'Variant A' }),
      node('b', 'end', { text: 'Variant B' }),
    ],
    [['start', 'ab'], ['ab', 'a', 'a'], ['ab', 'b', 'b']],
  );

export const cases: GoldenCase[] = [
  {
    name: 'branch a',
    trigger: 'golden random a',
    flow: split({ a: 1, b: 0 }, false),
    script: [{ send: says('golden random a'), expect: [text('Variant A')] }],
    finalSessions: [{ status: 'Completed', node: 'a' }],
  },
  {
    name: 'branch b (sticky)',
    trigger: 'golden random b',
    flow: split({ a: 0, b: 3 }, true),
    script: [{ send: says('golden random b'), expect: [text('Variant B')] }],
    finalSessions: [{ status: 'Completed', node: 'b' }],
  },
];
