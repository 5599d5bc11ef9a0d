/** condition: `true` and `false`, on a captured answer (all rules must hold). */
import { type Definition, type GoldenCase, flow, node, says, text } from '../support.js';

const age: Definition = flow(
  [
    node('start', 'start'),
    node('ask', 'question', { text: 'Your age?', variable: 'age', validation: { type: 'number' } }),
    node('adult', 'condition', {
      match: 'all',
      rules: [
        { left: '{{age}}', op: 'isSet' },
        { left: '{{age}}', op: 'gte', right: '18' },
      ],
    }),
    node('yes', 'end', { text: 'Welcome in.' }),
    node('no', 'end', { text: 'Come back at 18.' }),
  ],
  [['start', 'ask'], ['ask', 'adult'], ['adult', 'yes', 'true'], ['adult', 'no', 'false']],
);

const ageCase = (trigger: string, answer: string, reply: string, end: string): GoldenCase => ({
  name: `${answer} leaves by ${end === 'yes' ? 'true' : 'false'}`,
  trigger,
  flow: age,
  script: [
    { send: says(trigger), expect: [text('Your age?')] },
    { send: says(answer), expect: [text(reply)] },
  ],
  finalSessions: [{ status: 'Completed', node: end, variables: { age: answer } }],
});

export const cases: GoldenCase[] = [
  ageCase('golden condition true', '18', 'Welcome in.', 'yes'),
  // compared as numbers: "9" < "18" although "9" > "18" as text
  ageCase('golden condition false', '9', 'Come back at 18.', 'no'),
];
