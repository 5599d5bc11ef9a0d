/** Golden tests: reply buttons, every handle (each button, invalid, timeout) and their defaults. */
import { describe, expect, it } from 'vitest';
import { endText } from '../../../src/flows/settings.js';
import type { OutboundMessage } from '../../../src/whatsapp/outbound.js';
import { SECOND, T0, buttonReply, flow, inbound, node, play, says, send, sendText, start, state, timer } from './helpers.js';

const ask = (extra: Record<string, unknown> = {}) =>
  node('b', 'buttons', {
    text: 'Hi {{contact.name}}, shall we?',
    header: 'Menu',
    footer: 'Tap a button',
    buttons: [
      { id: 'yes', title: 'Sí' },
      { id: 'no', title: 'No' },
    ],
    variable: 'answer',
    ...extra,
  });

const prompt: OutboundMessage = {
  type: 'interactive',
  interactive: {
    type: 'button',
    header: { type: 'text', text: 'Menu' },
    body: { text: 'Hi Ana, shall we?' },
    footer: { text: 'Tap a button' },
    action: {
      buttons: [
        { type: 'reply', reply: { id: 'yes', title: 'Sí' } },
        { type: 'reply', reply: { id: 'no', title: 'No' } },
      ],
    },
  },
};

const wired = (extra: Record<string, unknown> = {}) =>
  flow(
    [
      node('s', 'start'),
      ask(extra),
      node('y', 'end', { text: 'Great, {{answer}}!' }),
      node('n', 'end', { text: 'Maybe later.' }),
      node('inv', 'end', { text: 'Lost you.' }),
      node('to', 'end', { text: 'Too slow.' }),
    ],
    [['s', 'b'], ['b', 'y', 'yes'], ['b', 'n', 'no'], ['b', 'inv', 'invalid'], ['b', 'to', 'timeout']],
  );

describe('buttons', () => {
  it('prompts and pauses', () => {
    expect(play(wired(), [[T0, start()]]).steps).toEqual([
      { effects: [send(prompt)], state: state({ status: 'Paused', currentNodeId: 'b' }) },
    ]);
  });

  it('routes a tapped button by its id and stores its title', () => {
    const played = play(wired(), [[T0, start()], [T0 + SECOND, says(buttonReply('yes', 'Sí'))]]);
    expect(played.steps[1]).toEqual({
      effects: [sendText('Great, Sí!')],
      state: state({ status: 'Completed', currentNodeId: 'y', variables: { answer: 'Sí' }, lastInput: 'Sí' }),
    });
  });

  it('takes a typed title, compared without case or accents', () => {
    const played = play(wired(), [[T0, start()], [T0 + SECOND, says('  si ')]]);
    expect(played.state).toMatchObject({ status: 'Completed', currentNodeId: 'y', variables: { answer: 'Sí' } });
  });

  it('takes the button number', () => {
    expect(play(wired(), [[T0, start()], [T0 + SECOND, says('2')]]).effects).toEqual([send(prompt), sendText('Maybe later.')]);
  });

  it('re-prompts unexpected replies up to maxRetries, then leaves by invalid', () => {
    const played = play(wired({ invalidText: 'Please tap Sí or No, {{contact.name}}.' }), [
      [T0, start()],
      [T0 + 1 * SECOND, says('what?')],
      [T0 + 2 * SECOND, says(inbound('image'))],
      [T0 + 3 * SECOND, says('3')],
    ]);
    expect(played.steps.slice(1)).toEqual([
      {
        effects: [sendText('Please tap Sí or No, Ana.')],
        state: state({ status: 'Paused', currentNodeId: 'b', attempts: 1, lastInput: 'what?' }),
      },
      {
        effects: [sendText('Please tap Sí or No, Ana.')],
        state: state({ status: 'Paused', currentNodeId: 'b', attempts: 2, lastInput: 'what?' }),
      },
      { effects: [sendText('Lost you.')], state: state({ status: 'Completed', currentNodeId: 'inv', lastInput: '3' }) },
    ]);
  });

  it('leaves by invalid at the first unexpected reply when maxRetries is 0', () => {
    const played = play(wired({ maxRetries: 0 }), [[T0, start()], [T0 + SECOND, says('nope')]]);
    expect(played.state).toMatchObject({ status: 'Completed', currentNodeId: 'inv' });
  });

  it('ends politely when invalid is not wired, with the default re-prompt', () => {
    const def = flow([node('s', 'start'), ask({ maxRetries: 1 }), node('y', 'end'), node('n', 'end')], [['s', 'b'], ['b', 'y', 'yes'], ['b', 'n', 'no']]);
    const played = play(def, [[T0, start()], [T0 + SECOND, says('x')], [T0 + 2 * SECOND, says('y')]]);
    expect(played.steps.slice(1)).toEqual([
      {
        effects: [sendText('Please choose one of the options.')],
        state: state({ status: 'Paused', currentNodeId: 'b', attempts: 1, lastInput: 'x' }),
      },
      {
        effects: [sendText(endText(def, 'invalid'))],
        state: state({ status: 'Completed', currentNodeId: 'b', lastInput: 'y' }),
      },
    ]);
  });

  it('uses the flow\'s own closing texts, and "" to stay silent', () => {
    const def = flow(
      [node('s', 'start'), ask({ maxRetries: 0, timeoutSeconds: 5 }), node('y', 'end'), node('n', 'end')],
      [['s', 'b'], ['b', 'y', 'yes'], ['b', 'n', 'no']],
      { endTexts: { invalid: 'Adiós {{contact.name}}', timeout: '' } },
    );
    expect(play(def, [[T0, start()], [T0 + SECOND, says('x')]]).steps[1]?.effects).toEqual([sendText('Adiós Ana')]);
    expect(play(def, [[T0, start()], [T0 + 5 * SECOND, timer(T0 + 5 * SECOND)]]).steps[1]).toEqual({
      effects: [],
      state: state({ status: 'Completed', currentNodeId: 'b' }),
    });
  });

  it('times out by the timeout handle; a stale timer changes nothing', () => {
    const played = play(wired({ timeoutSeconds: 60 }), [
      [T0, start()],
      [T0 + 30 * SECOND, timer(T0 + 1)],
      [T0 + 60 * SECOND, timer(T0 + 60 * SECOND)],
    ]);
    expect(played.steps).toEqual([
      { effects: [send(prompt)], state: state({ status: 'Paused', currentNodeId: 'b', timerAt: T0 + 60 * SECOND }) },
      { effects: [], state: state({ status: 'Paused', currentNodeId: 'b', timerAt: T0 + 60 * SECOND }) },
      { effects: [sendText('Too slow.')], state: state({ status: 'Completed', currentNodeId: 'to' }) },
    ]);
  });

  it('ends politely on timeout when timeout is not wired', () => {
    const def = flow([node('s', 'start'), ask({ timeoutSeconds: 60 }), node('y', 'end'), node('n', 'end')], [['s', 'b'], ['b', 'y', 'yes'], ['b', 'n', 'no']]);
    const played = play(def, [[T0, start()], [T0 + 60 * SECOND, timer(T0 + 60 * SECOND)]]);
    expect(played.steps[1]).toEqual({
      effects: [sendText(endText(def, 'timeout'))],
      state: state({ status: 'Completed', currentNodeId: 'b' }),
    });
  });

  it('a reply cancels the timer; a re-prompt starts a new one; the old timer is then stale', () => {
    const played = play(wired({ timeoutSeconds: 60 }), [
      [T0, start()],
      [T0 + 10 * SECOND, says('hmm')],
      [T0 + 60 * SECOND, timer(T0 + 60 * SECOND)],
      [T0 + 20 * SECOND, says(buttonReply('no', 'No'))],
    ]);
    expect(played.steps[1]?.state).toEqual(
      state({ status: 'Paused', currentNodeId: 'b', attempts: 1, timerAt: T0 + 70 * SECOND, lastInput: 'hmm' }),
    );
    expect(played.steps[2]).toEqual({ effects: [], state: played.steps[1]?.state });
    expect(played.state).toMatchObject({ status: 'Completed', currentNodeId: 'n', timerAt: null });
  });

  it('ignores reactions and system notices: no retry used, timer kept', () => {
    const played = play(wired({ timeoutSeconds: 60 }), [
      [T0, start()],
      [T0 + SECOND, says(inbound('reaction'))],
      [T0 + 2 * SECOND, says(inbound('system', 'User changed number'))],
    ]);
    const paused = state({ status: 'Paused', currentNodeId: 'b', timerAt: T0 + 60 * SECOND });
    expect(played.steps.slice(1)).toEqual([
      { effects: [], state: paused },
      { effects: [], state: paused },
    ]);
  });
});

describe('buttons: a tap on an older message', () => {
  // The seed's positional ids: both questions use opt-0 and opt-1.
  const question = (id: string, text: string, titles: [string, string]) =>
    node(id, 'buttons', { text, buttons: titles.map((title, i) => ({ id: `opt-${i}`, title })), variable: id });
  const twoQuestions = flow(
    [
      node('s', 'start'),
      question('a', 'Shall we?', ['Yes', 'No']),
      question('b', 'Which team?', ['Sales', 'Support']),
      node('sales', 'end', { text: 'Sales it is.' }),
      node('support', 'end', { text: 'Support it is.' }),
      node('bye', 'end', { text: 'Bye.' }),
    ],
    [['s', 'a'], ['a', 'b', 'opt-0'], ['a', 'bye', 'opt-1'], ['b', 'sales', 'opt-0'], ['b', 'support', 'opt-1']],
  );
  const atB = (reply: ReturnType<typeof buttonReply>) =>
    play(twoQuestions, [[T0, start()], [T0 + SECOND, says(buttonReply('opt-0', 'Yes'))], [T0 + 2 * SECOND, says(reply)]]);

  it('is not taken for the current button that shares its id: the user is asked again', () => {
    const played = atB(buttonReply('opt-1', 'No'));
    expect(played.steps[2]?.effects).toEqual([sendText('Please choose one of the options.')]);
    expect(played.state).toMatchObject({ status: 'Paused', currentNodeId: 'b', attempts: 1, variables: { a: 'Yes' } });
  });

  it('still routes a current tap by its id, and a reply without a title (the seed metadata may omit it)', () => {
    expect(atB(buttonReply('opt-1', 'Support')).state).toMatchObject({ status: 'Completed', currentNodeId: 'support', variables: { b: 'Support' } });
    expect(atB(buttonReply('opt-1', '')).state).toMatchObject({ status: 'Completed', currentNodeId: 'support', variables: { b: 'Support' } });
  });

  it('is taken by its title when the current message has a button with that title', () => {
    expect(atB(buttonReply('opt-9', 'sales')).state).toMatchObject({ status: 'Completed', currentNodeId: 'sales' });
  });
});
