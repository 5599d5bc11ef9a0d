/** list: each row id (tapped, typed title, typed number across sections), `invalid`, `timeout`. */
import type { OutboundMessage } from '../../../src/whatsapp/outbound.js';
import { type Definition, type GoldenCase, flow, node, picks, says, sharedOpening, text } from '../support.js';

const dishes: Definition = flow(
  [
    node('start', 'start'),
    node('menu', 'list', {
      header: 'Lunch',
      text: 'What would you like?',
      footer: 'Served until 3 pm',
      buttonLabel: 'See dishes',
      sections: [
        { title: 'Starters', rows: [{ id: 'soup', title: 'Soup', description: 'Tomato, with basil' }, { id: 'salad', title: 'Salad' }] },
        { title: 'Desserts', rows: [{ id: 'cake', title: 'Cake', description: 'Chocolate' }] },
      ],
      variable: 'dish',
      invalidText: 'Pick a dish from the list.',
      maxRetries: 0,
      timeoutSeconds: 1,
    }),
    node('soup', 'end', { text: 'One {{dish}} (soup).' }),
    node('salad', 'end', { text: 'One {{dish}} (salad).' }),
    node('cake', 'end', { text: 'One {{dish}} (cake).' }),
    node('lost', 'end', { text: 'Maybe another time.' }),
    node('late', 'end', { text: 'The kitchen closed.' }),
  ],
  [
    ['start', 'menu'],
    ['menu', 'soup', 'soup'],
    ['menu', 'salad', 'salad'],
    ['menu', 'cake', 'cake'],
    ['menu', 'lost', 'invalid'],
    ['menu', 'late', 'timeout'],
  ],
);

const menu: OutboundMessage = {
  type: 'interactive',
  interactive: {
    type: 'list',
    header: { type: 'text', text: 'Lunch' },
    body: { text: 'What would you like?' },
    footer: { text: 'Served until 3 pm' },
    action: {
      button: 'See dishes',
      sections: [
        { title: 'Starters', rows: [{ id: 'soup', title: 'Soup', description: 'Tomato, with basil' }, { id: 'salad', title: 'Salad' }] },
        { title: 'Desserts', rows: [{ id: 'cake', title: 'Cake', description: 'Chocolate' }] },
      ],
    },
  },
};

const dishCase = sharedOpening(dishes, [menu]);

export const cases: GoldenCase[] = [
  dishCase(
    'a tapped row leaves by its id and stores its title',
    'golden list tap',
    [{ send: picks('soup', 'Soup'), expect: [text('One Soup (soup).')] }],
    [{ status: 'Completed', node: 'soup', variables: { dish: 'Soup' } }],
  ),
  dishCase(
    'a typed title picks its row',
    'golden list title',
    [{ send: says('salad'), expect: [text('One Salad (salad).')] }],
    [{ status: 'Completed', node: 'salad', variables: { dish: 'Salad' } }],
  ),
  dishCase(
    'numbers count rows across sections',
    'golden list number',
    [{ send: says('3.'), expect: [text('One Cake (cake).')] }],
    [{ status: 'Completed', node: 'cake', variables: { dish: 'Cake' } }],
  ),
  dishCase(
    'with maxRetries 0 the first unexpected reply leaves by invalid',
    'golden list invalid',
    [{ send: says('pizza'), expect: [text('Maybe another time.')] }],
    [{ status: 'Completed', node: 'lost' }],
  ),
  dishCase('no reply leaves by timeout', 'golden list timeout', [{ expect: [text('The kitchen closed.')] }], [
    { status: 'Completed', node: 'late' },
  ]),
];
