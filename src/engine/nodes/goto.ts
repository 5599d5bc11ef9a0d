import type { NodeOfType } from '../../flows/definition.js';
import type { NodeHandler } from '../node-handler.js';

/**
 * Jumps to a node of this flow, or ends this session and asks the caller to start another flow
 * (which starts with its own, empty variables).
 */
export const goto: NodeHandler<NodeOfType<'goto'>> = {
  enter: (node) =>
    node.data.nodeId !== undefined
      ? { kind: 'jump', nodeId: node.data.nodeId }
      : { kind: 'startFlow', flowId: node.data.flowId },
};
