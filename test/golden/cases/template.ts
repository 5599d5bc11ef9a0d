/** template (next): parameters interpolated and made acceptable to Meta, button index sent as a string. */
import { type GoldenCase, flow, node, says, text } from '../support.js';

export const cases: GoldenCase[] = [
  {
    name: 'an approved template with body and button parameters',
    trigger: 'golden template',
    flow: flow(
      [
        node('start', 'start'),
        node('confirm', 'template', {
          name: 'order_confirmation',
          language: 'en_US',
          components: [
            { type: 'body', parameters: [{ type: 'text', text: '{{contact.name}}' }, { type: 'text', text: 'A-17' }] },
            { type: 'button', sub_type: 'url', index: 0, parameters: [{ type: 'text', text: 'A-17' }] },
          ],
        }),
        node('bare', 'template', { name: 'hello_world', language: 'en_US' }),
        node('done', 'end'),
      ],
      [['start', 'confirm'], ['confirm', 'bare'], ['bare', 'done']],
    ),
    script: [
      {
        send: says('golden template'),
        expect: [
          {
            type: 'template',
            template: {
              name: 'order_confirmation',
              language: { code: 'en_US' },
              components: [
                { type: 'body', parameters: [{ type: 'text', text: 'Ana' }, { type: 'text', text: 'A-17' }] },
                { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: 'A-17' }] },
              ],
            },
          },
          { type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } },
        ],
      },
    ],
    finalSessions: [{ status: 'Completed', node: 'done' }],
  },
  {
    name: 'parameters lose line breaks and long runs of spaces, and an empty one is sent as "-"',
    trigger: 'golden template parameters',
    flow: flow(
      [
        node('start', 'start'),
        node('ask', 'question', { text: 'Delivery address?', variable: 'address' }),
        node('confirm', 'template', {
          name: 'delivery_address',
          language: 'en_US',
          components: [{ type: 'body', parameters: [{ type: 'text', text: '{{address}}' }, { type: 'text', text: '{{floor}}' }] }],
        }),
      ],
      [['start', 'ask'], ['ask', 'confirm']],
    ),
    script: [
      { send: says('golden template parameters'), expect: [text('Delivery address?')] },
      {
        send: says('Calle Mayor 1\n28013      Madrid'),
        expect: [
          {
            type: 'template',
            template: {
              name: 'delivery_address',
              language: { code: 'en_US' },
              components: [{ type: 'body', parameters: [{ type: 'text', text: 'Calle Mayor 1 28013 Madrid' }, { type: 'text', text: '-' }] }],
            },
          },
        ],
      },
    ],
    finalSessions: [{ status: 'Completed', node: 'confirm', variables: { address: 'Calle Mayor 1\n28013      Madrid' } }],
  },
];
