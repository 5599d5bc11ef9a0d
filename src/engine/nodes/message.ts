import type { NodeOfType } from '../../flows/definition.js';
import { type NodeHandler, next } from '../node-handler.js';
import { renderTextMessage } from '../render.js';

/** A text message. A text that comes out empty (only blank variables) is not sent. */
export const message: NodeHandler<NodeOfType<'message'>> = {
  enter(node, run) {
    const content = renderTextMessage(run, node.data.text, node.data.previewUrl);
    if (content) run.send(content);
    return next;
  },
};
