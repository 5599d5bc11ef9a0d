import type { NodeOfType } from '../../flows/definition.js';
import { LIMITS } from '../../whatsapp/limits.js';
import { type NodeHandler, fail, next } from '../node-handler.js';
import { renderFrame, renderRequired } from '../render.js';

/** A message with one button that opens a URL. */
export const ctaUrl: NodeHandler<NodeOfType<'ctaUrl'>> = {
  enter(node, run) {
    const url = run.interpolate(node.data.url).trim();
    if (url === '') return fail(`"${node.id}": the url is empty`);
    run.send({
      type: 'interactive',
      interactive: {
        type: 'cta_url',
        ...renderFrame(run, node.data),
        action: {
          name: 'cta_url',
          parameters: { display_text: renderRequired(run, node.data.buttonText, LIMITS.ctaUrl.displayText, 'Open'), url },
        },
      },
    });
    return next;
  },
};
