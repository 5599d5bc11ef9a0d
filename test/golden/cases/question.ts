/**
 * question: `next` (validated, normalised), `invalid` after maxRetries re-prompts, `timeout`; a reply
 * cancels the timer; media, locations, stickers and reactions are handled by rule.
 */
import { type Definition, type GoldenCase, flow, node, says, shares, sharedOpening, text } from '../support.js';

const quantity = (data: Record<string, unknown>): Definition =>
  flow(
    [
      node('start', 'start'),
      node('ask', 'question', {
        text: 'How many, {{contact.name}}? (1-10)',
        variable: 'qty',
        validation: { type: 'number', min: 1, max: 10 },
        invalidText: 'A number from 1 to 10, please.',
        ...data,
      }),
      node('ok', 'end', { text: 'You want {{qty}} (you typed "{{input}}").' }),
      node('lost', 'end', { text: 'Let us stop here.' }),
      node('late', 'end', { text: 'No answer, bye.' }),
    ],
    [['start', 'ask'], ['ask', 'ok'], ['ask', 'lost', 'invalid'], ['ask', 'late', 'timeout']],
  );

const ask = text('How many, Ana? (1-10)');
const again = text('A number from 1 to 10, please.');

const timedCase = sharedOpening(quantity({ maxRetries: 2, timeoutSeconds: 1 }), [ask]);
const patientCase = sharedOpening(quantity({ maxRetries: 3 }), [ask]);

export const cases: GoldenCase[] = [
  timedCase(
    'a valid answer leaves by next, normalised; the reply cancels the timeout',
    'golden question next',
    [
      { send: says('a dozen'), expect: [again] },
      { send: says('7,5'), expect: [text('You want 7.5 (you typed "7,5").')] },
      // the timeout (1 s) would have fired by now
      { waitMs: 1_500, expect: [] },
    ],
    [{ status: 'Completed', node: 'ok', variables: { qty: '7.5' } }],
  ),
  timedCase(
    'maxRetries re-prompts, then invalid',
    'golden question invalid',
    [
      { send: says('lots'), expect: [again] },
      { send: says('11'), expect: [again] },
      { send: says('0'), expect: [text('Let us stop here.')] },
    ],
    [{ status: 'Completed', node: 'lost' }],
  ),
  timedCase('no answer leaves by timeout', 'golden question timeout', [{ expect: [text('No answer, bye.')] }], [
    { status: 'Completed', node: 'late' },
  ]),
  patientCase(
    'media, location and sticker re-prompt; a reaction is no reply and uses no retry',
    'golden question non-text',
    [
      { send: { type: 'image', caption: '5' }, expect: [again] },
      { send: shares(41.39, 2.17, 'Home'), expect: [again] },
      { send: { type: 'reaction', messageId: 'wamid.any', emoji: '👍' }, expect: [] },
      { send: { type: 'sticker' }, expect: [again] },
      { send: says('4'), expect: [text('You want 4 (you typed "4").')] },
    ],
    [{ status: 'Completed', node: 'ok', variables: { qty: '4' } }],
  ),
  {
    name: 'dates are stored as YYYY-MM-DD',
    trigger: 'golden question date',
    flow: flow(
      [
        node('start', 'start'),
        node('ask', 'question', { text: 'Your birthday?', variable: 'birthday', validation: { type: 'date' } }),
        node('ok', 'end', { text: 'Noted: {{birthday}}.' }),
      ],
      [['start', 'ask'], ['ask', 'ok']],
    ),
    script: [
      { send: says('golden question date'), expect: [text('Your birthday?')] },
      { send: says('31/02/2000'), expect: [text('Please reply with a date, e.g. 31/12/2025.')] },
      { send: says('29/02/2000'), expect: [text('Noted: 2000-02-29.')] },
    ],
    finalSessions: [{ status: 'Completed', node: 'ok', variables: { birthday: '2000-02-29' } }],
  },
];
