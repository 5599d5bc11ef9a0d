/** A whole conversation through a lint-clean flow that uses every node type, step by step. */
import { describe, expect, it } from 'vitest';
import { HTTP_RESULT_GRACE_MS } from '../../../src/flows/constants.js';
import { lintDefinition } from '../../../src/flows/lint.js';
import { SECOND, T0, buttonReply, flow, inbound, listReply, node, play, says, send, sendText, start, state, timer } from './helpers.js';

const demo = flow(
  [
    node('s', 'start'),
    node('q', 'question', { text: 'Hi! What is your name?', variable: 'name', timeoutSeconds: 600 }),
    node('b', 'buttons', { text: 'Nice to meet you, {{name}}.', buttons: [{ id: 'menu', title: 'Menu' }, { id: 'human', title: 'Talk to us' }], variable: 'choice' }),
    node('l', 'list', { text: 'Our menu', buttonLabel: 'Open', sections: [{ title: 'Food', rows: [{ id: 'pizza', title: 'Pizza' }] }, { title: 'Drinks', rows: [{ id: 'cola', title: 'Cola' }] }] }),
    node('c', 'condition', { match: 'all', rules: [{ left: '{{choice}}', op: 'eq', right: 'Menu' }] }),
    node('v', 'setVariable', { variable: 'order', value: '{{name}}-{{input}}' }),
    node('d', 'delay', { seconds: 30 }),
    node('h', 'httpRequest', { method: 'POST', url: 'https://api.example/orders', body: { order: '{{order}}' }, saveAs: { orderId: 'id' } }),
    node('m', 'message', { text: 'Order {{orderId}} placed' }),
    node('md', 'media', { mediaType: 'image', url: 'https://cdn.example/pizza.png' }),
    node('t', 'template', { name: 'receipt', language: 'en' }),
    node('cta', 'ctaUrl', { text: 'Track it', buttonText: 'Track', url: 'https://x.example/{{orderId}}' }),
    node('loc', 'location', { latitude: 40.4, longitude: -3.7, name: 'Our kitchen' }),
    node('lr', 'locationRequest', { text: 'Where should we deliver?', variable: 'address' }),
    node('rx', 'reaction', { emoji: '📍' }),
    node('r', 'randomSplit', { branches: [{ id: 'x' }, { id: 'y', weight: 0 }] }),
    node('g', 'goto', { nodeId: 'e' }),
    node('ho', 'handoff', { text: 'A person will help you' }),
    node('e', 'end', { text: 'Bye {{name}}, delivering to {{address}}' }),
  ],
  [
    ['s', 'q'], ['q', 'b'], ['q', 'e', 'timeout'], ['b', 'l', 'menu'], ['b', 'ho', 'human'], ['l', 'c', 'pizza'], ['l', 'c', 'cola'],
    ['c', 'v', 'true'], ['c', 'g', 'false'], ['v', 'd'], ['d', 'h'], ['h', 'm', 'success'], ['h', 'e', 'error'], ['m', 'md'],
    ['md', 't'], ['t', 'cta'], ['cta', 'loc'], ['loc', 'lr'], ['lr', 'rx'], ['rx', 'r'], ['r', 'g', 'x'], ['r', 'e', 'y'],
  ],
);

describe('a conversation through every node type', () => {
  it('lints clean', () => {
    expect(lintDefinition(demo)).toEqual({ errors: [], warnings: [] });
  });

  it('runs start to finish with the exact effects and states', () => {
    const deadline = T0 + 45 * SECOND + 10_000 + HTTP_RESULT_GRACE_MS;
    const played = play(demo, [
      [T0, start(inbound('text', 'hola'))],
      [T0 + 5 * SECOND, says('Ana')],
      [T0 + 10 * SECOND, says(buttonReply('menu', 'Menu'))],
      [T0 + 15 * SECOND, says(listReply('pizza', 'Pizza'))],
      [T0 + 45 * SECOND, timer(T0 + 45 * SECOND)],
      [T0 + 46 * SECOND, { kind: 'httpResult', nodeId: 'h', result: { ok: true, status: 201, body: { id: 'A-1' } }, waitUntil: null }],
      [T0 + 60 * SECOND, says(inbound('location', 'Calle Mayor 1'), 'wamid.LOC')],
    ]);
    const vars = { name: 'Ana', choice: 'Menu' };
    const order = { ...vars, order: 'Ana-Pizza' };
    expect(played.steps).toEqual([
      { effects: [sendText('Hi! What is your name?')], state: state({ status: 'Paused', currentNodeId: 'q', timerAt: T0 + 600 * SECOND, lastInput: 'hola' }) },
      {
        effects: [
          send({
            type: 'interactive',
            interactive: {
              type: 'button',
              body: { text: 'Nice to meet you, Ana.' },
              action: { buttons: [{ type: 'reply', reply: { id: 'menu', title: 'Menu' } }, { type: 'reply', reply: { id: 'human', title: 'Talk to us' } }] },
            },
          }),
        ],
        state: state({ status: 'Paused', currentNodeId: 'b', variables: { name: 'Ana' }, lastInput: 'Ana' }),
      },
      {
        effects: [
          send({
            type: 'interactive',
            interactive: {
              type: 'list',
              body: { text: 'Our menu' },
              action: { button: 'Open', sections: [{ title: 'Food', rows: [{ id: 'pizza', title: 'Pizza' }] }, { title: 'Drinks', rows: [{ id: 'cola', title: 'Cola' }] }] },
            },
          }),
        ],
        state: state({ status: 'Paused', currentNodeId: 'l', variables: vars, lastInput: 'Menu' }),
      },
      { effects: [], state: state({ status: 'Paused', currentNodeId: 'd', variables: order, timerAt: T0 + 45 * SECOND, lastInput: 'Pizza' }) },
      {
        effects: [
          {
            kind: 'http',
            nodeId: 'h',
            request: {
              method: 'POST',
              url: 'https://api.example/orders',
              headers: { 'content-type': 'application/json' },
              body: '{"order":"Ana-Pizza"}',
              timeoutMs: 10_000,
            },
          },
        ],
        state: state({ status: 'Active', currentNodeId: 'h', variables: order, timerAt: deadline, lastInput: 'Pizza' }),
      },
      {
        effects: [
          sendText('Order A-1 placed'),
          send({ type: 'image', image: { link: 'https://cdn.example/pizza.png' } }),
          send({ type: 'template', template: { name: 'receipt', language: { code: 'en' } } }),
          send({
            type: 'interactive',
            interactive: { type: 'cta_url', body: { text: 'Track it' }, action: { name: 'cta_url', parameters: { display_text: 'Track', url: 'https://x.example/A-1' } } },
          }),
          send({ type: 'location', location: { latitude: 40.4, longitude: -3.7, name: 'Our kitchen' } }),
          send({ type: 'interactive', interactive: { type: 'location_request_message', body: { text: 'Where should we deliver?' }, action: { name: 'send_location' } } }),
        ],
        state: state({ status: 'Paused', currentNodeId: 'lr', variables: { ...order, orderId: 'A-1' }, lastInput: 'Pizza' }),
      },
      {
        effects: [send({ type: 'reaction', reaction: { message_id: 'wamid.LOC', emoji: '📍' } }), sendText('Bye Ana, delivering to Calle Mayor 1')],
        state: state({
          status: 'Completed',
          currentNodeId: 'e',
          variables: { ...order, orderId: 'A-1', address: 'Calle Mayor 1' },
          lastInput: 'Calle Mayor 1',
        }),
      },
    ]);
  });

  it('hands off when the user asks for a person', () => {
    const played = play(demo, [[T0, start()], [T0 + SECOND, says('Ana')], [T0 + 2 * SECOND, says('talk to us')], [T0 + 3 * SECOND, says('hello?')]]);
    expect(played.steps.slice(2)).toEqual([
      { effects: [sendText('A person will help you')], state: state({ status: 'Handoff', currentNodeId: 'ho', variables: { name: 'Ana', choice: 'Talk to us' }, lastInput: 'talk to us' }) },
      { effects: [], state: state({ status: 'Handoff', currentNodeId: 'ho', variables: { name: 'Ana', choice: 'Talk to us' }, lastInput: 'talk to us' }) },
    ]);
  });
});
