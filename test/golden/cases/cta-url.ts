/** ctaUrl (next): one button that opens a URL, with header and footer. */
import { type GoldenCase, flow, node, says } from '../support.js';

export const cases: GoldenCase[] = [
  {
    name: 'a URL button message',
    trigger: 'golden cta url',
    flow: flow(
      [
        node('start', 'start'),
        node('track', 'ctaUrl', {
          header: 'Your order',
          text: 'Follow it live, {{contact.name}}.',
          footer: 'Updated every minute',
          buttonText: 'Track order',
          url: 'https://shop.example.com/track?who={{contact.name}}',
        }),
        node('done', 'end'),
      ],
      [['start', 'track'], ['track', 'done']],
    ),
    script: [
      {
        send: says('golden cta url'),
        expect: [
          {
            type: 'interactive',
            interactive: {
              type: 'cta_url',
              header: { type: 'text', text: 'Your order' },
              body: { text: 'Follow it live, Ana.' },
              footer: { text: 'Updated every minute' },
              action: { name: 'cta_url', parameters: { display_text: 'Track order', url: 'https://shop.example.com/track?who=Ana' } },
            },
          },
        ],
      },
    ],
    finalSessions: [{ status: 'Completed', node: 'done' }],
  },
];
