import type { NodeOfType } from '../../flows/definition.js';
import { type NodeHandler, complete } from '../node-handler.js';
import { renderTextMessage } from '../render.js';

export const end: NodeHandler<NodeOfType<'end'>> = {
  enter(node, run) {
    const text = node.data.text === undefined ? null : renderTextMessage(run, node.data.text);
    if (text) run.send(text);
    return complete;
  },
};
