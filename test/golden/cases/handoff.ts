/** handoff: the session becomes Handoff and the bot stays silent, restart keywords included. */
import { type GoldenCase, flow, node, says, text } from '../support.js';

export const cases: GoldenCase[] = [
  {
    name: 'the bot hands over and says nothing more',
    trigger: 'golden handoff',
    flow: flow(
      [node('start', 'start'), node('human', 'handoff', { text: 'A person will answer you shortly.' })],
      [['start', 'human']],
      { restartKeywords: ['start over'] },
    ),
    script: [
      { send: says('golden handoff'), expect: [text('A person will answer you shortly.')] },
      { send: says('hello?'), expect: [] },
      { send: says('start over'), expect: [] },
    ],
    finalSessions: [{ status: 'Handoff', node: 'human' }],
  },
];
