/** buttons: each button id (tapped, typed title, typed number), `invalid` after the re-prompts, `timeout`; unwired exits; a tap on an older message. */
import type { OutboundMessage } from '../../../src/whatsapp/outbound.js';
import { CLOSING, type Definition, type GoldenCase, flow, node, says, sharedOpening, taps, text } from '../support.js';

const plans: Definition = flow(
  [
    node('start', 'start'),
    node('menu', 'buttons', {
      header: 'Plans',
      text: 'Pick a plan, {{contact.name}}',
      footer: 'Tap one',
      buttons: [
        { id: 'basic', title: 'Basic' },
        { id: 'pro', title: 'Pro' },
        { id: 'max', title: 'Max' },
      ],
      variable: 'plan',
      invalidText: 'Tap a plan, please.',
      maxRetries: 1,
      timeoutSeconds: 1,
    }),
    node('basic', 'end', { text: 'Basic it is ({{plan}}).' }),
    node('pro', 'end', { text: 'Pro it is ({{plan}}).' }),
    node('max', 'end', { text: 'Max it is ({{plan}}).' }),
    node('lost', 'end', { text: 'No plan chosen.' }),
    node('late', 'end', { text: 'Too slow.' }),
  ],
  [
    ['start', 'menu'],
    ['menu', 'basic', 'basic'],
    ['menu', 'pro', 'pro'],
    ['menu', 'max', 'max'],
    ['menu', 'lost', 'invalid'],
    ['menu', 'late', 'timeout'],
  ],
);

const menu: OutboundMessage = {
  type: 'interactive',
  interactive: {
    type: 'button',
    header: { type: 'text', text: 'Plans' },
    body: { text: 'Pick a plan, Ana' },
    footer: { text: 'Tap one' },
    action: {
      buttons: [
        { type: 'reply', reply: { id: 'basic', title: 'Basic' } },
        { type: 'reply', reply: { id: 'pro', title: 'Pro' } },
        { type: 'reply', reply: { id: 'max', title: 'Max' } },
      ],
    },
  },
};

const plansCase = sharedOpening(plans, [menu]);

const yesNo = (data: Record<string, unknown>): Definition =>
  flow(
    [
      node('start', 'start'),
      node('ask', 'buttons', { text: 'Continue?', buttons: [{ id: 'yes', title: 'Yes' }, { id: 'no', title: 'No' }], ...data }),
      node('bye', 'end', { text: 'Bye.' }),
    ],
    [['start', 'ask'], ['ask', 'bye', 'yes'], ['ask', 'bye', 'no']],
  );

const yesNoPrompt: OutboundMessage = {
  type: 'interactive',
  interactive: {
    type: 'button',
    body: { text: 'Continue?' },
    action: {
      buttons: [
        { type: 'reply', reply: { id: 'yes', title: 'Yes' } },
        { type: 'reply', reply: { id: 'no', title: 'No' } },
      ],
    },
  },
};

/** Two questions with the seed's positional button ids: opt-0 and opt-1 in both. */
const twoQuestions: Definition = flow(
  [
    node('start', 'start'),
    node('go', 'buttons', { text: 'Shall we?', buttons: [{ id: 'opt-0', title: 'Yes' }, { id: 'opt-1', title: 'No' }] }),
    node('team', 'buttons', {
      text: 'Which team?',
      buttons: [{ id: 'opt-0', title: 'Sales' }, { id: 'opt-1', title: 'Support' }],
      invalidText: 'Sales or Support?',
    }),
    node('support', 'end', { text: 'Support it is.' }),
    node('bye', 'end', { text: 'Bye.' }),
  ],
  [['start', 'go'], ['go', 'team', 'opt-0'], ['go', 'bye', 'opt-1'], ['team', 'bye', 'opt-0'], ['team', 'support', 'opt-1']],
);

const buttonsOf = (body: string, titles: [string, string]): OutboundMessage => ({
  type: 'interactive',
  interactive: {
    type: 'button',
    body: { text: body },
    action: { buttons: titles.map((title, i) => ({ type: 'reply' as const, reply: { id: `opt-${i}`, title } })) },
  },
});

export const cases: GoldenCase[] = [
  plansCase(
    'a tapped button leaves by its id and stores its title',
    'golden buttons tap',
    [{ send: taps('basic', 'Basic'), expect: [text('Basic it is (Basic).')] }],
    [{ status: 'Completed', node: 'basic', variables: { plan: 'Basic' } }],
  ),
  plansCase(
    'a typed title picks its button, whatever the case',
    'golden buttons title',
    [{ send: says('  PRO '), expect: [text('Pro it is (Pro).')] }],
    [{ status: 'Completed', node: 'pro', variables: { plan: 'Pro' } }],
  ),
  plansCase(
    'a typed number picks the button at that place',
    'golden buttons number',
    [{ send: says('3'), expect: [text('Max it is (Max).')] }],
    [{ status: 'Completed', node: 'max', variables: { plan: 'Max' } }],
  ),
  plansCase(
    'unexpected replies re-prompt up to maxRetries, then leave by invalid',
    'golden buttons invalid',
    [
      { send: says('the cheap one'), expect: [text('Tap a plan, please.')] },
      { send: says('4'), expect: [text('No plan chosen.')] },
    ],
    [{ status: 'Completed', node: 'lost' }],
  ),
  plansCase('no reply leaves by timeout', 'golden buttons timeout', [{ expect: [text('Too slow.')] }], [
    { status: 'Completed', node: 'late' },
  ]),
  {
    name: '"No" tapped on an older message is not taken for the current button with its id',
    trigger: 'golden buttons older tap',
    flow: twoQuestions,
    script: [
      { send: says('golden buttons older tap'), expect: [buttonsOf('Shall we?', ['Yes', 'No'])] },
      { send: taps('opt-0', 'Yes'), expect: [buttonsOf('Which team?', ['Sales', 'Support'])] },
      { send: taps('opt-1', 'No'), expect: [text('Sales or Support?')] },
      { send: taps('opt-1', 'Support'), expect: [text('Support it is.')] },
    ],
    finalSessions: [{ status: 'Completed', node: 'support' }],
  },
  {
    name: 'invalid unwired: the flow ends politely',
    trigger: 'golden buttons unwired invalid',
    flow: yesNo({ maxRetries: 0 }),
    script: [
      { send: says('golden buttons unwired invalid'), expect: [yesNoPrompt] },
      { send: says('maybe'), expect: [text(CLOSING.invalid)] },
    ],
    finalSessions: [{ status: 'Completed', node: 'ask' }],
  },
  {
    name: 'timeout unwired: the flow ends politely',
    trigger: 'golden buttons unwired timeout',
    flow: yesNo({ timeoutSeconds: 0.5 }),
    script: [{ send: says('golden buttons unwired timeout'), expect: [yesNoPrompt] }, { expect: [text(CLOSING.timeout)] }],
    finalSessions: [{ status: 'Completed', node: 'ask' }],
  },
];
