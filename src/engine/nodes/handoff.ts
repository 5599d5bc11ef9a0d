import type { NodeOfType } from '../../flows/definition.js';
import type { NodeHandler } from '../node-handler.js';
import { renderTextMessage } from '../render.js';

/** Hands the conversation to a person: the session becomes `Handoff` and the bot stays silent. */
export const handoff: NodeHandler<NodeOfType<'handoff'>> = {
  enter(node, run) {
    const text = node.data.text === undefined ? null : renderTextMessage(run, node.data.text);
    if (text) run.send(text);
    return { kind: 'handoff' };
  },
};
