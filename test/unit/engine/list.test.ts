/** Golden tests: list messages, every handle (each row, invalid, timeout). */
import { describe, expect, it } from 'vitest';
import { endText } from '../../../src/flows/settings.js';
import type { OutboundMessage } from '../../../src/whatsapp/outbound.js';
import { SECOND, T0, flow, inbound, listReply, node, play, says, send, sendText, start, state, timer } from './helpers.js';

const menu = (extra: Record<string, unknown> = {}) =>
  node('l', 'list', {
    text: 'What would you like, {{contact.name}}?',
    buttonLabel: 'See menu',
    footer: 'Prices include VAT',
    sections: [
      { title: 'Pizzas', rows: [{ id: 'marg', title: 'Margherita', description: 'Tomato, mozzarella' }, { id: 'pep', title: 'Pepperoni' }] },
      { title: 'Drinks', rows: [{ id: 'cola', title: 'Cola' }] },
    ],
    variable: 'dish',
    ...extra,
  });

const prompt: OutboundMessage = {
  type: 'interactive',
  interactive: {
    type: 'list',
    body: { text: 'What would you like, Ana?' },
    footer: { text: 'Prices include VAT' },
    action: {
      button: 'See menu',
      sections: [
        {
          title: 'Pizzas',
          rows: [
            { id: 'marg', title: 'Margherita', description: 'Tomato, mozzarella' },
            { id: 'pep', title: 'Pepperoni' },
          ],
        },
        { title: 'Drinks', rows: [{ id: 'cola', title: 'Cola' }] },
      ],
    },
  },
};

const wired = (extra: Record<string, unknown> = {}) =>
  flow(
    [
      node('s', 'start'),
      menu(extra),
      node('pizza', 'end', { text: 'One {{dish}} coming up.' }),
      node('drink', 'end', { text: 'Cheers!' }),
      node('inv', 'end', { text: 'Never mind.' }),
      node('to', 'end', { text: 'Still hungry?' }),
    ],
    [['s', 'l'], ['l', 'pizza', 'marg'], ['l', 'pizza', 'pep'], ['l', 'drink', 'cola'], ['l', 'inv', 'invalid'], ['l', 'to', 'timeout']],
  );

describe('list', () => {
  it('prompts with every section and row, and pauses', () => {
    expect(play(wired(), [[T0, start()]]).steps).toEqual([{ effects: [send(prompt)], state: state({ status: 'Paused', currentNodeId: 'l' }) }]);
  });

  it('routes a picked row by its id and stores its title', () => {
    const played = play(wired(), [[T0, start()], [T0 + SECOND, says(listReply('pep', 'Pepperoni'))]]);
    expect(played.steps[1]).toEqual({
      effects: [sendText('One Pepperoni coming up.')],
      state: state({ status: 'Completed', currentNodeId: 'pizza', variables: { dish: 'Pepperoni' }, lastInput: 'Pepperoni' }),
    });
  });

  it('takes a typed row title or number across sections', () => {
    expect(play(wired(), [[T0, start()], [T0 + SECOND, says('COLA')]]).state.currentNodeId).toBe('drink');
    expect(play(wired(), [[T0, start()], [T0 + SECOND, says('3')]]).state.currentNodeId).toBe('drink');
    expect(play(wired(), [[T0, start()], [T0 + SECOND, says('1.')]]).state.variables).toEqual({ dish: 'Margherita' });
  });

  it('re-prompts then leaves by invalid', () => {
    const played = play(wired({ maxRetries: 1 }), [[T0, start()], [T0 + SECOND, says(inbound('sticker'))], [T0 + 2 * SECOND, says('sushi')]]);
    expect(played.steps.slice(1)).toEqual([
      { effects: [sendText('Please choose one of the options.')], state: state({ status: 'Paused', currentNodeId: 'l', attempts: 1 }) },
      { effects: [sendText('Never mind.')], state: state({ status: 'Completed', currentNodeId: 'inv', lastInput: 'sushi' }) },
    ]);
  });

  it('ends politely when invalid is not wired', () => {
    const def = flow([node('s', 'start'), menu({ maxRetries: 0 }), node('x', 'end')], [['s', 'l'], ['l', 'x', 'marg'], ['l', 'x', 'pep'], ['l', 'x', 'cola']]);
    expect(play(def, [[T0, start()], [T0 + SECOND, says('sushi')]]).steps[1]).toEqual({
      effects: [sendText(endText(def, 'invalid'))],
      state: state({ status: 'Completed', currentNodeId: 'l', lastInput: 'sushi' }),
    });
  });

  it('times out by the timeout handle', () => {
    const played = play(wired({ timeoutSeconds: 3600 }), [[T0, start()], [T0 + 3600 * SECOND, timer(T0 + 3600 * SECOND)]]);
    expect(played.steps[0]?.state.timerAt).toBe(T0 + 3600 * SECOND);
    expect(played.steps[1]).toEqual({ effects: [sendText('Still hungry?')], state: state({ status: 'Completed', currentNodeId: 'to' }) });
  });

  it('gives blank section titles a fallback when there are several sections', () => {
    const def = flow(
      [
        node('s', 'start'),
        node('l', 'list', {
          text: 'Pick',
          buttonLabel: '{{nothing}}',
          sections: [{ title: '{{nothing}}', rows: [{ id: 'a', title: 'A' }] }, { rows: [{ id: 'b', title: 'B' }] }],
        }),
      ],
      [['s', 'l']],
    );
    expect(play(def, [[T0, start()]]).effects).toEqual([
      send({
        type: 'interactive',
        interactive: {
          type: 'list',
          body: { text: 'Pick' },
          action: {
            button: 'Options',
            sections: [
              { title: 'Options 1', rows: [{ id: 'a', title: 'A' }] },
              { title: 'Options 2', rows: [{ id: 'b', title: 'B' }] },
            ],
          },
        },
      }),
    ]);
  });
});
