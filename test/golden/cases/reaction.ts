/** reaction (next): reacts to the message that began the step; a step a timer began has none, so it sends nothing. */
import type { OutboundMessage } from '../../../src/whatsapp/outbound.js';
import { type GoldenCase, flow, node, says, text } from '../support.js';

const reaction = (messageId: string, emoji: string): OutboundMessage => ({ type: 'reaction', reaction: { message_id: messageId, emoji } });

export const cases: GoldenCase[] = [
  {
    name: 'reacts to the trigger, then to the answer the question took',
    trigger: 'golden reaction',
    flow: flow(
      [
        node('start', 'start'),
        node('wave', 'reaction', { emoji: '👋' }),
        node('ask', 'question', { text: 'Your name?', variable: 'name' }),
        node('like', 'reaction', { emoji: '👍' }),
        node('done', 'end', { text: 'Thanks {{name}}.' }),
      ],
      [['start', 'wave'], ['wave', 'ask'], ['ask', 'like'], ['like', 'done']],
    ),
    script: [
      { send: says('golden reaction'), expect: (wamid) => [reaction(wamid, '👋'), text('Your name?')] },
      { send: says('Ana'), expect: (wamid) => [reaction(wamid, '👍'), text('Thanks Ana.')] },
    ],
    finalSessions: [{ status: 'Completed', node: 'done', variables: { name: 'Ana' } }],
  },
  {
    name: 'after a delay there is no message to react to: nothing is sent and the flow goes on',
    trigger: 'golden reaction after delay',
    flow: flow(
      [node('start', 'start'), node('wave', 'reaction', { emoji: '👋' }), node('pause', 'delay', { seconds: 0.5 }), node('cheer', 'reaction', { emoji: '🎉' }), node('done', 'end', { text: 'Done.' })],
      [['start', 'wave'], ['wave', 'pause'], ['pause', 'cheer'], ['cheer', 'done']],
    ),
    script: [{ send: says('golden reaction after delay'), expect: (wamid) => [reaction(wamid, '👋')] }, { expect: [text('Done.')] }],
    finalSessions: [{ status: 'Completed', node: 'done' }],
  },
];
