/** locationRequest: `next` on a shared location, `invalid` after re-prompts, `timeout`. */
import type { OutboundMessage } from '../../../src/whatsapp/outbound.js';
import { type Definition, type GoldenCase, flow, node, says, shares, sharedOpening, text } from '../support.js';

const where: Definition = flow(
  [
    node('start', 'start'),
    node('ask', 'locationRequest', { text: 'Where should we deliver?', variable: 'place', maxRetries: 1, timeoutSeconds: 1 }),
    node('got', 'end', { text: 'Delivering to {{place}}.' }),
    node('lost', 'end', { text: 'We need a location to deliver.' }),
    node('late', 'end', { text: 'Ask again when you are ready.' }),
  ],
  [['start', 'ask'], ['ask', 'got'], ['ask', 'lost', 'invalid'], ['ask', 'late', 'timeout']],
);

const ask: OutboundMessage = {
  type: 'interactive',
  interactive: { type: 'location_request_message', body: { text: 'Where should we deliver?' }, action: { name: 'send_location' } },
};

const whereCase = sharedOpening(where, [ask]);

export const cases: GoldenCase[] = [
  whereCase(
    'a shared location leaves by next and stores its name',
    'golden location request',
    [{ send: shares(41.39, 2.17, 'Home'), expect: [text('Delivering to Home.')] }],
    [{ status: 'Completed', node: 'got', variables: { place: 'Home' } }],
  ),
  whereCase(
    'text instead of a location re-prompts, then leaves by invalid',
    'golden location request invalid',
    [
      { send: says('Main street 5'), expect: [text('Please share your location with the button below.')] },
      { send: { type: 'image' }, expect: [text('We need a location to deliver.')] },
    ],
    [{ status: 'Completed', node: 'lost' }],
  ),
  whereCase('no location leaves by timeout', 'golden location request timeout', [{ expect: [text('Ask again when you are ready.')] }], [
    { status: 'Completed', node: 'late' },
  ]),
];
