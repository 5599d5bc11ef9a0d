/**
 * examples/showcase.flow.json, which uses every node type, walked start to finish by a scripted
 * user in the simulator: an order (list, question with a re-prompt, condition, template, location
 * request, a reaction to the shared location, location, delay, URL button, goto back to the menu),
 * an order lookup (httpRequest, both ways) and a handoff to a person.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { OutboundMessage } from '../../src/whatsapp/outbound.js';
import { chatWith, envelope, playScript, says, shares, startWorld, taps, text, type Chat, type Definition, type World } from '../golden/support.js';

const showcase = JSON.parse(readFileSync(new URL('../../examples/showcase.flow.json', import.meta.url), 'utf8')) as {
  name: string;
  trigger: string;
  status: string;
  definition: Definition;
};
/** The host the showcase's order lookup calls; the test serves it locally. */
const ORDERS_API = 'https://api.example.com';

const TREATS = ['a croissant', 'a cookie'];
const menu = (treat: string): OutboundMessage => ({
  type: 'interactive',
  interactive: {
    type: 'button',
    header: { type: 'text', text: 'Waflow Coffee' },
    body: { text: `Today every order comes with ${treat}. What would you like to do?` },
    footer: { text: 'Say "start over" anytime' },
    action: {
      buttons: [
        { type: 'reply', reply: { id: 'order', title: 'Order coffee' } },
        { type: 'reply', reply: { id: 'track', title: 'Track an order' } },
        { type: 'reply', reply: { id: 'barista', title: 'Talk to a barista' } },
      ],
    },
  },
});
const welcome = (treat: string): OutboundMessage[] => [
  text('Hi Ana! Welcome to Waflow Coffee.'),
  { type: 'image', image: { link: 'https://example.com/waflow-coffee/counter.jpg', caption: 'Freshly roasted every morning.' } },
  menu(treat),
];
const drinks: OutboundMessage = {
  type: 'interactive',
  interactive: {
    type: 'list',
    body: { text: 'What can we brew for you?' },
    action: {
      button: 'Drinks',
      sections: [
        {
          title: 'Hot',
          rows: [
            { id: 'espresso', title: 'Espresso', description: 'Short and strong' },
            { id: 'latte', title: 'Latte', description: 'With steamed milk' },
          ],
        },
        { title: 'Cold', rows: [{ id: 'cold-brew', title: 'Cold brew', description: 'Steeped for 12 hours' }] },
      ],
    },
  },
};
const orderNumber = text('What is your order number? (4 digits)');
const thanks = text('Thanks for visiting Waflow Coffee, Ana!');

let world: World;
let chat: Chat;
/** The treat of the contact's A/B branch: sticky, so the same on every visit. */
let treat: string;

beforeAll(async () => {
  world = await startWorld();
  const definition = JSON.parse(JSON.stringify(showcase.definition).replaceAll(ORDERS_API, world.apiUrl)) as Definition;
  const created = await world.h.api('POST', '/api/v1/flows', { ...showcase, definition }, world.apiKey);
  expect(created.status).toBe(201);
  chat = chatWith(world, '15559200001');
});
afterAll(() => world.close());

/** The contact's one session (each visit restarts it in place): where it stands and all its variables. */
async function session() {
  const sessions = await chat.sessions();
  expect(sessions).toHaveLength(1);
  const [{ status, currentNodeId, context }] = sessions as [(typeof sessions)[number]];
  return { status, node: currentNodeId, variables: context?.variables };
}

/** Says the trigger and checks the greeting, learning the contact's treat on the first visit. */
async function visit(label: string): Promise<void> {
  const before = chat.received().length;
  await chat.send(says(showcase.trigger));
  const greeting = await chat.repliesAfter(before, 3);
  treat ??= TREATS.find((candidate) => JSON.stringify(greeting[2]).includes(candidate)) ?? 'no treat';
  expect(greeting, label).toEqual(welcome(treat).map((content) => envelope(chat.phone, content)));
}

it('orders a drink, comes back to the menu, and tracks the order', async () => {
  await visit('greeting');
  expect(TREATS).toContain(treat);
  await playScript(
    chat,
    [
      { send: taps('order', 'Order coffee'), expect: [drinks] },
      { send: { type: 'list_reply', id: 'latte', title: 'Latte' }, expect: [text('How many cups of Latte? (1-10)')] },
      { send: says('a dozen'), expect: [text('Please send a number from 1 to 10.')] },
      {
        send: says('6'),
        expect: [
          text("6 cups, that's a party! We'll pack them in a carrier."),
          {
            type: 'template',
            template: {
              name: 'order_confirmation',
              language: { code: 'en_US' },
              components: [{ type: 'body', parameters: [{ type: 'text', text: '6' }, { type: 'text', text: 'Latte' }] }],
            },
          },
          {
            type: 'interactive',
            interactive: {
              type: 'location_request_message',
              body: { text: 'Where should we deliver your Latte?' },
              action: { name: 'send_location' },
            },
          },
        ],
      },
      {
        send: shares(41.4036, 2.1744, 'Office'),
        // the reaction names the very message the user shared their location in
        expect: (wamid) => [
          { type: 'reaction', reaction: { message_id: wamid, emoji: '📍' } },
          { type: 'location', location: { latitude: 41.3874, longitude: 2.1686, name: 'Waflow Coffee', address: 'Plaça de Catalunya 1, Barcelona' } },
          text('Brewing your Latte at our shop now…'),
        ],
      },
      // the two-second brew time, then back to the menu
      {
        expect: [
          text('Your order is on its way to Office!'),
          {
            type: 'interactive',
            interactive: {
              type: 'cta_url',
              body: { text: 'Follow your courier live.' },
              action: {
                name: 'cta_url',
                parameters: { display_text: 'Track courier', url: `https://example.com/waflow-coffee/track/${chat.phone}` },
              },
            },
          },
          menu(treat),
        ],
      },
      { send: says('Track an order'), expect: [orderNumber] },
      { send: says('12'), expect: [text('Order numbers have 4 digits, e.g. 1234.')] },
      { send: says('1234'), expect: [text('Order 1234: out for delivery.'), thanks] },
    ],
    expect,
    'order and track',
  );
  expect(await session()).toEqual({
    status: 'Completed',
    node: 'thanks',
    variables: { treat, choice: 'Track an order', drink: 'Latte', cups: '6', address: 'Office', order: '1234', status: 'out for delivery' },
  });
});

it('says so when an order cannot be looked up', async () => {
  await visit('second visit');
  await playScript(
    chat,
    [
      { send: says('2'), expect: [orderNumber] },
      { send: says('9999'), expect: [text("Sorry, I can't look up order 9999 right now. Please try again later."), thanks] },
    ],
    expect,
    'failed lookup',
  );
  expect(await session()).toEqual({ status: 'Completed', node: 'thanks', variables: { treat, choice: 'Track an order', order: '9999' } });
});

it('hands over to a barista, then stays silent', async () => {
  await visit('third visit');
  await playScript(
    chat,
    [
      { send: taps('barista', 'Talk to a barista'), expect: [text('Connecting you with a barista. They will answer here shortly.')] },
      { send: says('start over'), expect: [] },
    ],
    expect,
    'handoff',
  );
  expect(await session()).toEqual({ status: 'Handoff', node: 'barista', variables: { treat, choice: 'Talk to a barista' } });
});
