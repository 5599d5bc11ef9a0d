/** The step function itself: which inputs apply, restarts, the loop guard, broken graphs. */
import { describe, expect, it } from 'vitest';
import { step } from '../../../src/engine/step.js';
import { type EngineState, initialState } from '../../../src/engine/types.js';
import { CONTACT, SECOND, T0, definition, flow, node, play, says, sendText, start, state, timer } from './helpers.js';

const greet = flow(
  [node('s', 'start'), node('q', 'question', { text: 'Name?', variable: 'name' }), node('m', 'end', { text: 'Hi {{name}}' })],
  [['s', 'q'], ['q', 'm']],
);
const context = { contact: CONTACT, now: T0, maxNodesPerStep: 50 };

describe('which inputs apply', () => {
  it.each(['Completed', 'Errored', 'Expired', 'Handoff'] as const)('ignores messages, timers and results once %s', (status) => {
    const ended = state({ status, currentNodeId: 'q', timerAt: T0 });
    for (const input of [
      { kind: 'message', message: { type: 'text', text: 'hi', reply: null, replyTo: null }, wamid: 'wamid.HI' },
      { kind: 'timer', dueAt: T0 },
      { kind: 'httpResult', nodeId: 'q', result: { ok: true, status: 200, body: {} }, waitUntil: null },
    ] as const) {
      const result = step(greet, ended, input, context);
      expect(result.state).toBe(ended);
      expect(result.effects).toEqual([]);
    }
  });

  it('starts a session that never started when a message comes instead of start', () => {
    expect(play(greet, [[T0, says('hola')]]).steps).toEqual([
      { effects: [sendText('Name?')], state: state({ status: 'Paused', currentNodeId: 'q', lastInput: 'hola' }) },
    ]);
  });

  it('restarts from the start on start, keeping variables and resetting the rest', () => {
    const midway = state({ status: 'Errored', currentNodeId: 'm', variables: { name: 'Ana' }, attempts: 2, timerAt: T0, error: 'x' });
    expect(play(greet, [[T0, start()]], { from: midway }).state).toEqual(
      state({ status: 'Paused', currentNodeId: 'q', variables: { name: 'Ana' } }),
    );
  });

  it('never mutates the state it is given', () => {
    const frozen = deepFreeze(state({ status: 'Paused', currentNodeId: 'q', variables: { a: '1' } }));
    expect(() => play(greet, [[T0, says('Bob')]], { from: frozen })).not.toThrow();
  });

  it('reads a stored state without lastInput as having none', () => {
    const legacy: EngineState = { status: 'Paused', currentNodeId: 'q', variables: {}, attempts: 0, timerAt: null, error: null };
    expect(play(greet, [[T0, says('Bob')]], { from: legacy }).state).toEqual(
      state({ status: 'Completed', currentNodeId: 'm', variables: { name: 'Bob' }, lastInput: 'Bob' }),
    );
  });
});

describe('loop guard', () => {
  const loop = flow(
    [node('s', 'start'), node('a', 'message', { text: 'ping' }), node('b', 'setVariable', { variable: 'x', value: 'y' })],
    [['s', 'a'], ['a', 'b'], ['b', 'a']],
  );

  it('errors a runaway step, naming the node, and sends nothing from it', () => {
    expect(play(loop, [[T0, start()]], { maxNodesPerStep: 10 }).steps).toEqual([
      {
        effects: [],
        state: state({
          status: 'Errored',
          currentNodeId: 'b',
          variables: { x: 'y' },
          error: 'loop guard: 10 nodes ran in one step without waiting; stopped before "b" (setVariable). The flow probably loops without a waiting node.',
        }),
      },
    ]);
  });

  it('lets exactly maxNodesPerStep nodes run', () => {
    const chain = flow(
      [node('s', 'start'), node('a', 'message', { text: 'a' }), node('b', 'message', { text: 'b' }), node('c', 'end')],
      [['s', 'a'], ['a', 'b'], ['b', 'c']],
    );
    expect(play(chain, [[T0, start()]], { maxNodesPerStep: 4 }).state.status).toBe('Completed');
    expect(play(chain, [[T0, start()]], { maxNodesPerStep: 3 }).state.status).toBe('Errored');
  });

  it('still stops when the caller passes no usable limit', () => {
    expect(play(loop, [[T0, start()]], { maxNodesPerStep: Number.NaN }).state.status).toBe('Errored');
    expect(play(loop, [[T0, start()]], { maxNodesPerStep: 0 }).state.status).toBe('Errored');
  });
});

describe('broken graphs end the session with a reason, never throw', () => {
  it('no start node', () => {
    const def = definition({ nodes: [node('m', 'message', { text: 'x' })], edges: [] });
    expect(play(def, [[T0, start()]]).state).toEqual(state({ status: 'Errored', error: 'the flow has no start node' }));
  });

  it('an edge to a missing node, keeping what was sent before', () => {
    const def = flow([node('s', 'start'), node('m', 'message', { text: 'before' })], [['s', 'm'], ['m', 'ghost']]);
    expect(play(def, [[T0, start()]]).steps).toEqual([
      {
        effects: [sendText('before')],
        state: state({ status: 'Errored', currentNodeId: 'm', error: 'edge "e1" from "m" leads to "ghost", which does not exist' }),
      },
    ]);
  });

  it('a session standing on a node the flow no longer has', () => {
    const result = play(greet, [[T0, says('x')]], { from: state({ status: 'Paused', currentNodeId: 'gone' }) });
    expect(result.state).toEqual(state({ status: 'Errored', currentNodeId: 'gone', error: 'the session is at node "gone", which the flow does not have', lastInput: 'x' }));
  });

  it('a timer at a node that does not wait', () => {
    const result = play(greet, [[T0, timer(T0)]], { from: state({ status: 'Paused', currentNodeId: 's', timerAt: T0 }) });
    expect(result.state).toEqual(state({ status: 'Errored', currentNodeId: 's', error: 'a timer fired at "s" (start), which does not wait' }));
  });

  it('a session waiting at a node its flow turned into one that does not wait', () => {
    // The question "q" was edited into a message while the session waited at it.
    const edited = flow([node('s', 'start'), node('q', 'message', { text: 'Name?' }), node('m', 'end', { text: 'Hi' })], [['s', 'q'], ['q', 'm']]);
    const waiting = state({ status: 'Paused', currentNodeId: 'q' });
    const error = 'the session waits at "q" (message), which does not wait: the flow was changed under it';
    expect(play(edited, [[T0, says('Bob')]], { from: waiting }).state).toEqual(state({ status: 'Errored', currentNodeId: 'q', error, lastInput: 'Bob' }));
    const result = { kind: 'httpResult', nodeId: 'q', result: { ok: true, status: 200, body: {} }, waitUntil: null } as const;
    expect(step(edited, waiting, result, context).state).toEqual(state({ status: 'Errored', currentNodeId: 'q', error }));
    // A delay still takes messages by waiting on for its timer.
    const delayed = flow([node('s', 'start'), node('d', 'delay', { seconds: 60 }), node('m', 'end', { text: 'Hi' })], [['s', 'd'], ['d', 'm']]);
    expect(play(delayed, [[T0, says('hi')]], { from: state({ status: 'Active', currentNodeId: 'd', timerAt: T0 + 60 * SECOND }) }).state.status).toBe('Active');
  });

  it('a session waiting with no timer at a node its flow turned into a delay or a request', () => {
    // A question with no timeout (so no timer) was edited into a delay, or a request, under the session.
    const waiting = state({ status: 'Paused', currentNodeId: 'q', timerAt: null });
    const delayed = flow([node('s', 'start'), node('q', 'delay', { seconds: 60 }), node('m', 'end', { text: 'Hi' })], [['s', 'q'], ['q', 'm']]);
    const requesting = flow(
      [node('s', 'start'), node('q', 'httpRequest', { method: 'GET', url: 'https://api.example/x' }), node('m', 'end', { text: 'Hi' })],
      [['s', 'q'], ['q', 'm', 'success']],
    );
    for (const [edited, type] of [[delayed, 'delay'], [requesting, 'httpRequest']] as const) {
      const error = `the session waits at "q" (${type}) with no timer pending, so nothing would move it on: the flow was changed under it`;
      expect(play(edited, [[T0, says('Bob')]], { from: waiting }).state).toEqual(state({ status: 'Errored', currentNodeId: 'q', error, lastInput: 'Bob' }));
    }
    const result = { kind: 'httpResult', nodeId: 'q', result: { ok: true, status: 200, body: {} }, waitUntil: null } as const;
    expect(step(requesting, waiting, result, context).state.status).toBe('Errored');
    // With its timer pending, a request still takes messages by waiting on for its result.
    const pending = state({ status: 'Active', currentNodeId: 'q', timerAt: T0 + 70 * SECOND });
    expect(play(requesting, [[T0, says('hi')]], { from: pending }).state).toEqual({ ...pending, lastInput: 'hi' });
  });

  it('uses the first of several nodes with one id', () => {
    const def = flow([node('s', 'start'), node('m', 'message', { text: 'first' }), node('m', 'message', { text: 'second' })], [['s', 'm']]);
    expect(play(def, [[T0, start()]]).effects).toEqual([sendText('first')]);
  });
});

describe('variables', () => {
  it('keeps odd names as plain data and never renders inherited properties', () => {
    const def = flow(
      [node('s', 'start'), node('v', 'setVariable', { variable: '__proto__', value: 'p' }), node('m', 'message', { text: '[{{constructor}}][{{__proto__}}][{{toString}}]' })],
      [['s', 'v'], ['v', 'm']],
    );
    const played = play(def, [[T0, start()]]);
    expect(played.effects).toEqual([sendText('[][p][]')]);
    expect(Object.keys(played.state.variables)).toEqual(['__proto__']);
    expect(JSON.parse(JSON.stringify(played.state.variables))).toEqual(JSON.parse('{"__proto__":"p"}'));
  });

  it('cuts stored values at 4096 characters', () => {
    const def = flow([node('s', 'start'), node('q', 'question', { text: '?', variable: 'v' })], [['s', 'q']]);
    const played = play(def, [[T0, start()], [T0 + SECOND, says('x'.repeat(10_000))]]);
    expect(played.state.variables.v).toHaveLength(4096);
  });
});

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

it('initialState is a fresh, live, empty session', () => {
  expect(initialState()).toEqual({ status: 'Active', currentNodeId: null, variables: {}, attempts: 0, timerAt: null, error: null, lastInput: null });
});
