/** location (next): a pin with name and address. */
import { type GoldenCase, flow, node, says } from '../support.js';

export const cases: GoldenCase[] = [
  {
    name: 'a location pin',
    trigger: 'golden location',
    flow: flow(
      [
        node('start', 'start'),
        node('shop', 'location', { latitude: 41.3851, longitude: 2.1734, name: 'Our shop', address: 'Plaça de Catalunya 1, Barcelona' }),
        node('bare', 'location', { latitude: -33.8688, longitude: 151.2093 }),
        node('done', 'end'),
      ],
      [['start', 'shop'], ['shop', 'bare'], ['bare', 'done']],
    ),
    script: [
      {
        send: says('golden location'),
        expect: [
          { type: 'location', location: { latitude: 41.3851, longitude: 2.1734, name: 'Our shop', address: 'Plaça de Catalunya 1, Barcelona' } },
          { type: 'location', location: { latitude: -33.8688, longitude: 151.2093 } },
        ],
      },
    ],
    finalSessions: [{ status: 'Completed', node: 'done' }],
  },
];
