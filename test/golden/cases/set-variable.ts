/** setVariable (next): values are interpolated and kept in the session. */
import { type GoldenCase, flow, node, says, text } from '../support.js';

export const cases: GoldenCase[] = [
  {
    name: 'interpolated values, usable by later nodes',
    trigger: 'golden set variable',
    flow: flow(
      [
        node('start', 'start'),
        node('greet', 'setVariable', { variable: 'greeting', value: 'Hello {{contact.name}}' }),
        node('nested', 'setVariable', { variable: 'order.status', value: 'new ({{input}})' }),
        node('say', 'message', { text: '{{greeting}}! Order: {{order.status}}' }),
        node('done', 'end'),
      ],
      [['start', 'greet'], ['greet', 'nested'], ['nested', 'say'], ['say', 'done']],
    ),
    script: [{ send: says('golden set variable'), expect: [text('Hello Ana! Order: new (golden set variable)')] }],
    finalSessions: [{ status: 'Completed', node: 'done', variables: { greeting: 'Hello Ana', 'order.status': 'new (golden set variable)' } }],
  },
];
