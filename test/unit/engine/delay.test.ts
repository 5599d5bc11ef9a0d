/** Golden tests: delays (durable timers) and messages that arrive during one. */
import { describe, expect, it } from 'vitest';
import { SECOND, T0, flow, node, play, says, sendText, start, state, timer } from './helpers.js';

const def = flow(
  [
    node('s', 'start'),
    node('a', 'message', { text: 'Preparing your order…' }),
    node('d', 'delay', { seconds: 90 }),
    node('b', 'message', { text: 'Ready! You said: {{input}}' }),
  ],
  [['s', 'a'], ['a', 'd'], ['d', 'b']],
);

describe('delay', () => {
  it('pauses with a timer and goes on through next when it fires', () => {
    const played = play(def, [[T0, start()], [T0 + 90 * SECOND, timer(T0 + 90 * SECOND)]]);
    expect(played.steps).toEqual([
      { effects: [sendText('Preparing your order…')], state: state({ status: 'Paused', currentNodeId: 'd', timerAt: T0 + 90 * SECOND }) },
      { effects: [sendText('Ready! You said: ')], state: state({ status: 'Completed', currentNodeId: 'b' }) },
    ]);
  });

  it('ignores a stale timer', () => {
    const played = play(def, [[T0, start()], [T0 + 90 * SECOND, timer(T0 + 89 * SECOND)]]);
    expect(played.steps[1]).toEqual({ effects: [], state: played.steps[0]?.state });
  });

  it('a message during the delay neither cuts it short nor is lost: it becomes {{input}}', () => {
    const played = play(def, [
      [T0, start()],
      [T0 + 10 * SECOND, says('are you there?')],
      [T0 + 90 * SECOND, timer(T0 + 90 * SECOND)],
    ]);
    expect(played.steps[1]).toEqual({
      effects: [],
      state: state({ status: 'Paused', currentNodeId: 'd', timerAt: T0 + 90 * SECOND, lastInput: 'are you there?' }),
    });
    expect(played.steps[2]?.effects).toEqual([sendText('Ready! You said: are you there?')]);
  });

  it('supports delays of days (no cap)', () => {
    const long = flow([node('s', 'start'), node('d', 'delay', { seconds: 3 * 86_400 })], [['s', 'd']]);
    expect(play(long, [[T0, start()]]).state.timerAt).toBe(T0 + 3 * 86_400 * SECOND);
  });
});
