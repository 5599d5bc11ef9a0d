/** Session lifecycle: expiry after settings.sessionTimeoutMinutes, and restart keywords. */
import { type Definition, type GoldenCase, flow, node, says, text } from '../support.js';

const nameFlow = (settings: Record<string, unknown>): Definition =>
  flow(
    [
      node('start', 'start'),
      node('ask', 'question', { text: 'Your name?', variable: 'name' }),
      node('bye', 'end', { text: 'Thanks {{name}}.' }),
    ],
    [['start', 'ask'], ['ask', 'bye']],
    settings,
  );

export const cases: GoldenCase[] = [
  {
    name: 'an idle session expires; the late answer starts nothing',
    trigger: 'golden expiry',
    // fractional minutes: 0.02 min = 1.2 s
    flow: nameFlow({ sessionTimeoutMinutes: 0.02 }),
    script: [
      { send: says('golden expiry'), expect: [text('Your name?')] },
      { waitMs: 1_500, expect: [] },
      { send: says('Ana'), expect: [] },
    ],
    finalSessions: [{ status: 'Expired', node: 'ask' }],
  },
  {
    name: 'after expiry the trigger starts the flow from the start',
    trigger: 'golden expiry restart',
    flow: nameFlow({ sessionTimeoutMinutes: 0.02 }),
    script: [
      { send: says('golden expiry restart'), expect: [text('Your name?')] },
      { waitMs: 1_500, expect: [] },
      { send: says('golden expiry restart'), expect: [text('Your name?')] },
      { send: says('Bea'), expect: [text('Thanks Bea.')] },
    ],
    finalSessions: [{ status: 'Completed', node: 'bye', variables: { name: 'Bea' } }],
  },
  {
    name: 'a restart keyword starts the flow again, with fresh variables',
    trigger: 'golden restart',
    flow: flow(
      [
        node('start', 'start'),
        node('ask', 'question', { text: 'Your name?', variable: 'name' }),
        node('city', 'question', { text: 'Your city, {{name}}?', variable: 'city' }),
        node('bye', 'end', { text: 'Thanks {{name}} from {{city}}.' }),
      ],
      [['start', 'ask'], ['ask', 'city'], ['city', 'bye']],
      { restartKeywords: ['start over', 'reset'] },
    ),
    script: [
      { send: says('golden restart'), expect: [text('Your name?')] },
      { send: says('Ana'), expect: [text('Your city, Ana?')] },
      { send: says('  Start OVER '), expect: [text('Your name?')] },
      { send: says('Bea'), expect: [text('Your city, Bea?')] },
      { send: says('Lyon'), expect: [text('Thanks Bea from Lyon.')] },
    ],
    finalSessions: [{ status: 'Completed', node: 'bye', variables: { name: 'Bea', city: 'Lyon' } }],
  },
  {
    name: 'a restart during a delay drops the old timer: the delay ends once',
    trigger: 'golden restart delay',
    flow: flow(
      [
        node('start', 'start'),
        node('hold', 'message', { text: 'Hold on.' }),
        node('pause', 'delay', { seconds: 1 }),
        node('done', 'end', { text: 'Done.' }),
      ],
      [['start', 'hold'], ['hold', 'pause'], ['pause', 'done']],
      { restartKeywords: ['again'] },
    ),
    script: [
      { send: says('golden restart delay'), expect: [text('Hold on.')] },
      { send: says('again'), expect: [text('Hold on.')] },
      { waitMs: 2_000, expect: [text('Done.')] },
    ],
    finalSessions: [{ status: 'Completed', node: 'done' }],
  },
];
