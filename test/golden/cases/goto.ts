/** goto: to a node of the flow (a loop through a waiting node), and to another flow (fresh variables). */
import { type GoldenCase, flow, node, says, taps, text } from '../support.js';
import type { OutboundMessage } from '../../../src/whatsapp/outbound.js';

const again: OutboundMessage = {
  type: 'interactive',
  interactive: {
    type: 'button',
    body: { text: 'Another round?' },
    action: { buttons: [{ type: 'reply', reply: { id: 'more', title: 'More' } }, { type: 'reply', reply: { id: 'stop', title: 'Stop' } }] },
  },
};

export const cases: GoldenCase[] = [
  {
    name: 'goto a node runs it again',
    trigger: 'golden goto node',
    flow: flow(
      [
        node('start', 'start'),
        node('ask', 'buttons', { text: 'Another round?', buttons: [{ id: 'more', title: 'More' }, { id: 'stop', title: 'Stop' }] }),
        node('round', 'message', { text: 'Here is one more.' }),
        node('loop', 'goto', { nodeId: 'ask' }),
        node('bye', 'end', { text: 'Enough.' }),
      ],
      [['start', 'ask'], ['ask', 'round', 'more'], ['round', 'loop'], ['ask', 'bye', 'stop']],
    ),
    script: [
      { send: says('golden goto node'), expect: [again] },
      { send: taps('more', 'More'), expect: [text('Here is one more.'), again] },
      { send: taps('more', 'More'), expect: [text('Here is one more.'), again] },
      { send: taps('stop', 'Stop'), expect: [text('Enough.')] },
    ],
    finalSessions: [{ status: 'Completed', node: 'bye' }],
  },
  {
    name: 'goto a flow ends this session and starts that one with its own variables',
    trigger: 'golden goto flow',
    otherFlows: {
      support: {
        trigger: 'golden goto flow target',
        definition: flow(
          [
            node('start', 'start'),
            node('hi', 'message', { text: 'Support here. Carried over: [{{topic}}]' }),
            node('ask', 'question', { text: 'What happened?', variable: 'problem' }),
            node('bye', 'end', { text: 'Noted: {{problem}}.' }),
          ],
          [['start', 'hi'], ['hi', 'ask'], ['ask', 'bye']],
        ),
      },
    },
    flow: ({ flowIds }) =>
      flow(
        [
          node('start', 'start'),
          node('topic', 'setVariable', { variable: 'topic', value: 'billing' }),
          node('say', 'message', { text: 'Passing you to support.' }),
          node('jump', 'goto', { flowId: flowIds.support! }),
        ],
        [['start', 'topic'], ['topic', 'say'], ['say', 'jump']],
      ),
    script: [
      { send: says('golden goto flow'), expect: [text('Passing you to support.'), text('Support here. Carried over: []'), text('What happened?')] },
      { send: says('double charge'), expect: [text('Noted: double charge.')] },
    ],
    finalSessions: [
      { status: 'Completed', node: 'jump', variables: { topic: 'billing' } },
      { flow: 'support', status: 'Completed', node: 'bye', variables: { problem: 'double charge' } },
    ],
  },
];
