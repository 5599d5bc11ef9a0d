import type { NodeOfType } from '../../flows/definition.js';
import { LIMITS } from '../../whatsapp/limits.js';
import { type NodeHandler, next } from '../node-handler.js';
import { renderOptional } from '../render.js';

/** Sends a location pin. */
export const location: NodeHandler<NodeOfType<'location'>> = {
  enter(node, run) {
    const { latitude, longitude } = node.data;
    // names and addresses have no documented limit; a text message's is a safe bound
    const name = renderOptional(run, node.data.name, LIMITS.textBody);
    const address = renderOptional(run, node.data.address, LIMITS.textBody);
    run.send({
      type: 'location',
      location: { latitude, longitude, ...(name === null ? {} : { name }), ...(address === null ? {} : { address }) },
    });
    return next;
  },
};
