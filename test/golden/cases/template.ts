/** template (next): parameters interpolated, button index sent as a string. */
import { type GoldenCase, flow, node, says } from '../support.js';

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
];
