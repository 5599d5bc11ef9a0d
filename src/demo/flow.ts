/**
 * The demo's flow: a menu with buttons, a list, a question with validation, a condition, a
 * delay, a quiz and a handoff — a short tour of what the engine does.
 */
const edge = (source: string, target: string, sourceHandle = 'next') => ({ id: `${source}:${sourceHandle}`, source, target, sourceHandle });
const node = (id: string, type: string, data: Record<string, unknown> = {}) => ({ id, type, data });

export const DEMO_FLOW = {
  name: 'waflow demo',
  trigger: 'default',
  definition: {
    settings: { restartKeywords: ['menu', 'restart'] },
    nodes: [
      node('start', 'start'),
      node('hello', 'message', { text: "Hi {{contact.name}}! I'm the waflow demo bot." }),
      node('menu', 'buttons', {
        text: 'What would you like to try?',
        footer: 'Type "menu" at any time to come back here',
        buttons: [
          { id: 'order', title: 'Order a pizza' },
          { id: 'quiz', title: 'Quick quiz' },
          { id: 'human', title: 'Talk to a person' },
        ],
      }),
      node('pizza', 'list', {
        text: 'Which pizza?',
        buttonLabel: 'Pizzas',
        sections: [
          {
            title: 'Classics',
            rows: [
              { id: 'margherita', title: 'Margherita', description: 'Tomato, mozzarella, basil' },
              { id: 'pepperoni', title: 'Pepperoni', description: 'Spicy salami' },
              { id: 'veggie', title: 'Veggie', description: 'Peppers, olives, onions' },
            ],
          },
        ],
        variable: 'pizza',
      }),
      node('quantity', 'question', {
        text: 'How many {{pizza}} pizzas? (1 to 10)',
        variable: 'quantity',
        validation: { type: 'number', min: 1, max: 10 },
        invalidText: 'Please send a number from 1 to 10.',
      }),
      node('party', 'condition', { match: 'all', rules: [{ left: '{{quantity}}', op: 'gte', right: '5' }] }),
      node('big', 'message', { text: "{{quantity}} pizzas? That's a party!" }),
      node('oven', 'message', { text: 'Into the oven… (this flow waits 3 seconds, durably)' }),
      node('bake', 'delay', { seconds: 3 }),
      node('ready', 'end', { text: 'Your {{quantity}} × {{pizza}} is ready. Type "menu" to start again.' }),
      node('quiz', 'question', { text: 'What is 7 × 6?', variable: 'answer', validation: { type: 'number' }, invalidText: 'A number, please.' }),
      node('check', 'condition', { match: 'all', rules: [{ left: '{{answer}}', op: 'eq', right: '42' }] }),
      node('right', 'end', { text: 'Correct! Type "menu" to play again.' }),
      node('wrong', 'end', { text: 'Not quite: it is 42. Type "menu" to try again.' }),
      node('human', 'handoff', { text: 'A person will answer you here. (Open the console and press Take over.)' }),
    ],
    edges: [
      edge('start', 'hello'),
      edge('hello', 'menu'),
      edge('menu', 'pizza', 'order'),
      edge('menu', 'quiz', 'quiz'),
      edge('menu', 'human', 'human'),
      edge('pizza', 'quantity', 'margherita'),
      edge('pizza', 'quantity', 'pepperoni'),
      edge('pizza', 'quantity', 'veggie'),
      edge('quantity', 'party'),
      edge('party', 'big', 'true'),
      edge('party', 'oven', 'false'),
      edge('big', 'oven'),
      edge('oven', 'bake'),
      edge('bake', 'ready'),
      edge('quiz', 'check'),
      edge('check', 'right', 'true'),
      edge('check', 'wrong', 'false'),
    ],
  },
};
