import type { NodeOfType } from '../../flows/definition.js';
import { type NodeHandler, next } from '../node-handler.js';

/** React with an emoji to the user's message; a step without one has nothing to react to and sends nothing. */
export const reaction: NodeHandler<NodeOfType<'reaction'>> = {
  enter(node, run) {
    if (run.inboundWamid !== null) {
      run.send({ type: 'reaction', reaction: { message_id: run.inboundWamid, emoji: node.data.emoji } });
    }
    return next;
  },
};
