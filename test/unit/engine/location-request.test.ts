/** Golden tests: the location request extension (next, invalid, timeout). */
import { describe, expect, it } from 'vitest';
import { SECOND, T0, flow, node, play, says, send, sendText, start, state, timer, inbound } from './helpers.js';

const def = flow(
  [
    node('s', 'start'),
    node('r', 'locationRequest', { text: 'Where are you, {{contact.name}}?', variable: 'place', maxRetries: 0, timeoutSeconds: 300 }),
    node('ok', 'end', { text: 'Thanks, on our way to {{place}}.' }),
    node('inv', 'end', { text: 'No location, no delivery.' }),
    node('to', 'end', { text: 'Ping us when ready.' }),
  ],
  [['s', 'r'], ['r', 'ok'], ['r', 'inv', 'invalid'], ['r', 'to', 'timeout']],
);

describe('locationRequest', () => {
  it('asks for the location and leaves by next when one is shared', () => {
    const played = play(def, [[T0, start()], [T0 + SECOND, says(inbound('location', 'Calle Mayor 1'))]]);
    expect(played.steps).toEqual([
      {
        effects: [
          send({
            type: 'interactive',
            interactive: { type: 'location_request_message', body: { text: 'Where are you, Ana?' }, action: { name: 'send_location' } },
          }),
        ],
        state: state({ status: 'Paused', currentNodeId: 'r', timerAt: T0 + 300 * SECOND }),
      },
      {
        effects: [sendText('Thanks, on our way to Calle Mayor 1.')],
        state: state({ status: 'Completed', currentNodeId: 'ok', variables: { place: 'Calle Mayor 1' }, lastInput: 'Calle Mayor 1' }),
      },
    ]);
  });

  it('leaves by invalid on a text reply and by timeout when the timer fires', () => {
    expect(play(def, [[T0, start()], [T0 + SECOND, says('at home')]]).state.currentNodeId).toBe('inv');
    expect(play(def, [[T0, start()], [T0 + 300 * SECOND, timer(T0 + 300 * SECOND)]]).effects.at(-1)).toEqual(sendText('Ping us when ready.'));
  });
});
