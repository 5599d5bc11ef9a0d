import type { NodeOfType } from '../../flows/definition.js';
import { type NodeHandler, next } from '../node-handler.js';

/** Where every session begins; it only leads on. */
export const start: NodeHandler<NodeOfType<'start'>> = {
  enter: () => next,
};
