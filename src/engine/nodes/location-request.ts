import { NEXT_HANDLE } from '../../flows/constants.js';
import type { NodeOfType } from '../../flows/definition.js';
import { LIMITS } from '../../whatsapp/limits.js';
import type { NodeHandler } from '../node-handler.js';
import { renderRequired } from '../render.js';
import { type Verdict, judgeReply, promptAndWait, timedOut } from '../waiting.js';

/**
 * Ask the user to share their location (a `location_request_message`); a shared location leaves
 * by `next`. The inbound summary carries no coordinates, so `variable` stores the text WhatsApp
 * gives with the location (its name or address, when there is one).
 */
export const locationRequest: NodeHandler<NodeOfType<'locationRequest'>> = {
  enter: (node, run) =>
    promptAndWait(node, run, {
      type: 'interactive',
      interactive: {
        type: 'location_request_message',
        body: { text: renderRequired(run, node.data.text, LIMITS.interactiveBody, SHARE_AGAIN) },
        action: { name: 'send_location' },
      },
    }),
  onMessage: (node, run, message) =>
    judgeReply(
      node,
      run,
      message,
      (reply): Verdict => {
        if (reply.type !== 'location') return { kind: 'reject' };
        const { variable } = node.data;
        const store = variable === undefined ? {} : { store: { variable, value: reply.text ?? '' } };
        return { kind: 'accept', handle: NEXT_HANDLE, ...store };
      },
      SHARE_AGAIN,
    ),
  onTimer: timedOut,
};

const SHARE_AGAIN = 'Please share your location with the button below.';
