/** end: with an interpolated text, and silent; a completed session does not take further replies. */
import { type GoldenCase, flow, node, says, text } from '../support.js';

export const cases: GoldenCase[] = [
  {
    name: 'says its text and completes; later messages start nothing',
    trigger: 'golden end',
    flow: flow([node('start', 'start'), node('bye', 'end', { text: 'Goodbye, {{contact.name}}.' })], [['start', 'bye']]),
    script: [
      { send: says('golden end'), expect: [text('Goodbye, Ana.')] },
      { send: says('are you there?'), expect: [] },
    ],
    finalSessions: [{ status: 'Completed', node: 'bye' }],
  },
  {
    name: 'without text it completes silently',
    trigger: 'golden end silent',
    flow: flow([node('start', 'start'), node('bye', 'end')], [['start', 'bye']]),
    script: [{ send: says('golden end silent'), expect: [] }],
    finalSessions: [{ status: 'Completed', node: 'bye' }],
  },
];
