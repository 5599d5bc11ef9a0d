import type { NodeOfType } from '../../flows/definition.js';
import { type NodeHandler, next, stay } from '../node-handler.js';

/**
 * Pauses the session until a durable timer fires, then goes on. A message from the user during
 * the delay does not cut it short: the caller keeps the message in the conversation, the engine
 * only remembers its text as `{{input}}`, and the delay runs to its end.
 */
export const delay: NodeHandler<NodeOfType<'delay'>> = {
  enter: (node, run) => ({
    kind: 'wait',
    status: 'Paused',
    timerAt: run.now + Math.round(node.data.seconds * 1000),
    attempts: 0,
  }),
  onMessage: () => stay,
  onTimer: () => next,
};
