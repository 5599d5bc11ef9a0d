/** delay (next): a durable timer; a message meanwhile neither cuts it short nor is lost as {{input}}. */
import { type GoldenCase, flow, node, says, text } from '../support.js';

const waiting = (seconds: number) =>
  flow(
    [
      node('start', 'start'),
      node('before', 'message', { text: 'One moment…' }),
      node('pause', 'delay', { seconds }),
      node('after', 'end', { text: 'Here it is (last said: {{input}}).' }),
    ],
    [['start', 'before'], ['before', 'pause'], ['pause', 'after']],
  );

export const cases: GoldenCase[] = [
  {
    name: 'continues by next when the delay ends',
    trigger: 'golden delay',
    flow: waiting(0.5),
    script: [
      { send: says('golden delay'), expect: [text('One moment…')] },
      { expect: [text('Here it is (last said: golden delay).')] },
    ],
    finalSessions: [{ status: 'Completed', node: 'after' }],
  },
  {
    name: 'a message during the delay waits for its end',
    trigger: 'golden delay interrupted',
    flow: waiting(1.5),
    script: [
      { send: says('golden delay interrupted'), expect: [text('One moment…')] },
      { send: says('hurry up'), expect: [] },
      { expect: [text('Here it is (last said: hurry up).')] },
    ],
    finalSessions: [{ status: 'Completed', node: 'after' }],
  },
];
