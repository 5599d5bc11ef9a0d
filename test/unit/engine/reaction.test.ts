/** The reaction extension: it reacts to the message that began the step, and only to that one. */
import { describe, expect, it } from 'vitest';
import type { EngineInput } from '../../../src/engine/types.js';
import { SECOND, T0, flow, inbound, node, play, says, send, sendText, start, state, text, timer } from './helpers.js';

const react = (messageId: string, emoji: string) => send({ type: 'reaction', reaction: { message_id: messageId, emoji } });

describe('reaction', () => {
  it('reacts to the message that started the flow and leaves by next', () => {
    const def = flow(
      [node('s', 'start'), node('r', 'reaction', { emoji: '👍' }), node('m', 'message', { text: 'Got it' })],
      [['s', 'r'], ['r', 'm']],
    );
    expect(play(def, [[T0, start(text('hi'), 'wamid.HI')]]).steps).toEqual([
      { effects: [react('wamid.HI', '👍'), sendText('Got it')], state: state({ status: 'Completed', currentNodeId: 'm', lastInput: 'hi' }) },
    ]);
  });

  it('reacts to the reply a waiting node took, not to the message that started the flow', () => {
    const def = flow(
      [node('s', 'start'), node('q', 'question', { text: 'Name?', variable: 'name' }), node('r', 'reaction', { emoji: '❤️' }), node('e', 'end', { text: 'Hi {{name}}' })],
      [['s', 'q'], ['q', 'r'], ['r', 'e']],
    );
    const played = play(def, [[T0, start(text('hi'), 'wamid.HI')], [T0 + SECOND, says('Ana', 'wamid.ANA')]]);
    expect(played.steps.map((s) => s.effects)).toEqual([[sendText('Name?')], [react('wamid.ANA', '❤️'), sendText('Hi Ana')]]);
    expect(played.state).toEqual(state({ status: 'Completed', currentNodeId: 'e', variables: { name: 'Ana' }, lastInput: 'Ana' }));
  });

  it('sends nothing and goes on when a timer began the step', () => {
    const def = flow(
      [node('s', 'start'), node('d', 'delay', { seconds: 5 }), node('r', 'reaction', { emoji: '🎉' }), node('m', 'message', { text: 'Done' })],
      [['s', 'd'], ['d', 'r'], ['r', 'm']],
    );
    const played = play(def, [[T0, start(text('hi'), 'wamid.HI')], [T0 + 5 * SECOND, timer(T0 + 5 * SECOND)]]);
    expect(played.steps.map((s) => s.effects)).toEqual([[], [sendText('Done')]]);
    expect(played.state).toMatchObject({ status: 'Completed', currentNodeId: 'm', error: null });
  });

  it('sends nothing and goes on when an HTTP result began the step', () => {
    const def = flow(
      [node('s', 'start'), node('h', 'httpRequest', { method: 'GET', url: 'https://api.example/x' }), node('r', 'reaction', { emoji: '✅' }), node('m', 'message', { text: 'Done' })],
      [['s', 'h'], ['h', 'r', 'success'], ['r', 'm']],
    );
    const result: EngineInput = { kind: 'httpResult', nodeId: 'h', result: { ok: true, status: 200, body: {} }, waitUntil: null };
    const played = play(def, [[T0, start(text('hi'), 'wamid.HI')], [T0 + SECOND, result]]);
    expect(played.steps[1]?.effects).toEqual([sendText('Done')]);
    expect(played.state).toMatchObject({ status: 'Completed', currentNodeId: 'm', error: null });
  });

  it.each<[string, EngineInput]>([
    ['a start without a message', start()],
    ['a start by a message without a wamid', start(text('hi'))],
    ['a start by a reaction', start(inbound('reaction'), 'wamid.R')],
    ['a reaction that starts a session that never started', says(inbound('reaction'), 'wamid.R')],
    ['a system notice that starts a session that never started', says(inbound('system'), 'wamid.S')],
  ])('sends nothing and goes on after %s', (_case, input) => {
    const def = flow(
      [node('s', 'start'), node('r', 'reaction', { emoji: '👍' }), node('m', 'message', { text: 'Hello' })],
      [['s', 'r'], ['r', 'm']],
    );
    const played = play(def, [[T0, input]]);
    expect(played.effects).toEqual([sendText('Hello')]);
    expect(played.state).toMatchObject({ status: 'Completed', currentNodeId: 'm' });
  });
});
