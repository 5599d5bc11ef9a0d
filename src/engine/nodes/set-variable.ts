import type { NodeOfType } from '../../flows/definition.js';
import { type NodeHandler, next } from '../node-handler.js';

export const setVariable: NodeHandler<NodeOfType<'setVariable'>> = {
  enter(node, run) {
    run.setVariable(node.data.variable, run.interpolate(node.data.value));
    return next;
  },
};
