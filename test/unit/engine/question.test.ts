/** Golden tests: questions, validation types, every handle (next, invalid, timeout). */
import { describe, expect, it } from 'vitest';
import { endText } from '../../../src/flows/settings.js';
import { SECOND, T0, buttonReply, flow, inbound, node, play, says, sendText, start, state, timer } from './helpers.js';

const ask = (data: Record<string, unknown>) =>
  flow(
    [
      node('s', 'start'),
      node('q', 'question', { text: 'Your answer, {{contact.name}}?', variable: 'answer', ...data }),
      node('ok', 'message', { text: 'Got {{answer}}' }),
      node('inv', 'end', { text: 'Giving up.' }),
      node('to', 'end', { text: 'Timed out.' }),
    ],
    [['s', 'q'], ['q', 'ok'], ['q', 'inv', 'invalid'], ['q', 'to', 'timeout']],
  );

/** The answer stored for a reply, or null when it was rejected. */
function stored(validation: Record<string, unknown> | undefined, reply: string): string | null {
  const played = play(ask(validation ? { validation, maxRetries: 0 } : { maxRetries: 0 }), [[T0, start()], [T0 + SECOND, says(reply)]]);
  return played.state.currentNodeId === 'ok' ? (played.state.variables.answer ?? null) : null;
}

describe('question', () => {
  it('asks, captures the reply into the variable and goes on by next', () => {
    const played = play(ask({}), [[T0, start()], [T0 + SECOND, says('  Blue  ')]]);
    expect(played.steps).toEqual([
      { effects: [sendText('Your answer, Ana?')], state: state({ status: 'Paused', currentNodeId: 'q' }) },
      {
        effects: [sendText('Got Blue')],
        state: state({ status: 'Completed', currentNodeId: 'ok', variables: { answer: 'Blue' }, lastInput: '  Blue  ' }),
      },
    ]);
  });

  it('accepts the title of a tapped button as an answer', () => {
    expect(stored(undefined, 'x')).toBe('x');
    const played = play(ask({}), [[T0, start()], [T0 + SECOND, says(buttonReply('old', 'Old button'))]]);
    expect(played.state.variables).toEqual({ answer: 'Old button' });
  });

  it('validates text length (min/max)', () => {
    expect(stored({ type: 'text', min: 2, max: 5 }, 'a')).toBeNull();
    expect(stored({ type: 'text', min: 2, max: 5 }, 'abcdef')).toBeNull();
    expect(stored({ type: 'text', min: 2, max: 5 }, 'ñandú')).toBe('ñandú');
  });

  it('validates numbers by value and stores them normalised', () => {
    expect(stored({ type: 'number' }, '1,5')).toBe('1.5');
    expect(stored({ type: 'number' }, '-007')).toBe('-007');
    expect(stored({ type: 'number', min: 18, max: 99 }, '17')).toBeNull();
    expect(stored({ type: 'number', min: 18, max: 99 }, '42')).toBe('42');
    expect(stored({ type: 'number' }, 'forty')).toBeNull();
    expect(stored({ type: 'number' }, '1e3')).toBeNull();
  });

  it('keeps the digits of a number as typed (no rounding, no exponent), and conditions still compare it by value', () => {
    expect(stored({ type: 'number' }, '007')).toBe('007');
    expect(stored({ type: 'number' }, '12345678901234567')).toBe('12345678901234567');
    expect(stored({ type: 'number' }, ' 1234567890123456789012 ')).toBe('1234567890123456789012');
    const def = flow(
      [
        node('s', 'start'),
        node('q', 'question', { text: 'How many?', variable: 'n', validation: { type: 'number' } }),
        node('c', 'condition', { match: 'all', rules: [{ left: '{{n}}', op: 'gt', right: '1000000000000000000000' }, { left: '{{n}}', op: 'eq', right: '1234567890123456789012' }] }),
        node('big', 'end', { text: 'big {{n}}' }),
        node('small', 'end', { text: 'small' }),
      ],
      [['s', 'q'], ['q', 'c'], ['c', 'big', 'true'], ['c', 'small', 'false']],
    );
    expect(play(def, [[T0, start()], [T0 + SECOND, says('1234567890123456789012')]]).effects.at(-1)).toEqual(sendText('big 1234567890123456789012'));
    expect(play(def, [[T0, start()], [T0 + SECOND, says('007')]]).effects.at(-1)).toEqual(sendText('small'));
  });

  it('refuses numbers a thousands separator makes ambiguous ("1,500": 1500 or 1.5?), so the user is asked again', () => {
    for (const ambiguous of ['1,500', '1.000', '-12,345', '999.999']) expect(stored({ type: 'number' }, ambiguous), ambiguous).toBeNull();
    expect(stored({ type: 'number' }, '1500')).toBe('1500');
    expect(stored({ type: 'number' }, '0,125')).toBe('0.125');
    expect(stored({ type: 'number' }, '1234,567')).toBe('1234.567');
    expect(stored({ type: 'number' }, '1,50')).toBe('1.50');
  });

  it('validates emails', () => {
    expect(stored({ type: 'email' }, 'ana@example.com')).toBe('ana@example.com');
    for (const bad of ['ana', 'ana@', '@example.com', 'ana@example', 'a b@example.com', 'a@b@c.com', 'ana@example..com']) {
      expect(stored({ type: 'email' }, bad), bad).toBeNull();
    }
  });

  it('validates phones and stores "+" and digits', () => {
    expect(stored({ type: 'phone' }, '+34 600 11-22-33')).toBe('+34600112233');
    expect(stored({ type: 'phone' }, '(555) 123.4567')).toBe('5551234567');
    expect(stored({ type: 'phone' }, '12345')).toBeNull();
    expect(stored({ type: 'phone' }, 'call me')).toBeNull();
  });

  it('validates dates (ISO or day first) and stores YYYY-MM-DD', () => {
    expect(stored({ type: 'date' }, '2025-02-28')).toBe('2025-02-28');
    expect(stored({ type: 'date' }, '1/2/2025')).toBe('2025-02-01');
    expect(stored({ type: 'date' }, '31.12.2024')).toBe('2024-12-31');
    expect(stored({ type: 'date' }, '30/02/2025')).toBeNull();
    expect(stored({ type: 'date' }, 'tomorrow')).toBeNull();
  });

  it('validates by an RE2 pattern (searching unless anchored)', () => {
    expect(stored({ type: 'regex', pattern: '^[A-Z]{3}-\\d{3}$' }, 'ABC-123')).toBe('ABC-123');
    expect(stored({ type: 'regex', pattern: '^[A-Z]{3}-\\d{3}$' }, 'abc-123')).toBeNull();
    expect(stored({ type: 'regex', pattern: '(?i)order' }, 'My ORDER please')).toBe('My ORDER please');
  });

  it('errors the session on a pattern RE2 cannot use', () => {
    const played = play(ask({ validation: { type: 'regex', pattern: '(a' } }), [[T0, start()], [T0 + SECOND, says('a')]]);
    expect(played.state.status).toBe('Errored');
    expect(played.state.error).toMatch(/^"q": invalid pattern: /);
  });

  it('re-prompts with a default text per validation type, then leaves by invalid', () => {
    const played = play(ask({ validation: { type: 'number' }, maxRetries: 1 }), [
      [T0, start()],
      [T0 + 1 * SECOND, says('many')],
      [T0 + 2 * SECOND, says('lots')],
    ]);
    expect(played.steps.slice(1)).toEqual([
      { effects: [sendText('Please reply with a number.')], state: state({ status: 'Paused', currentNodeId: 'q', attempts: 1, lastInput: 'many' }) },
      { effects: [sendText('Giving up.')], state: state({ status: 'Completed', currentNodeId: 'inv', lastInput: 'lots' }) },
    ]);
  });

  it('treats media, locations and stickers as unexpected replies, never crashing', () => {
    const played = play(ask({ invalidText: 'Text please, {{contact.name}}.' }), [
      [T0, start()],
      [T0 + 1 * SECOND, says(inbound('image', 'a caption'))],
      [T0 + 2 * SECOND, says(inbound('location'))],
      [T0 + 3 * SECOND, says(inbound('sticker'))],
    ]);
    expect(played.steps.slice(1).map((result) => result.effects)).toEqual([
      [sendText('Text please, Ana.')],
      [sendText('Text please, Ana.')],
      [sendText('Giving up.')],
    ]);
  });

  it('ends politely when invalid is not wired', () => {
    const def = flow([node('s', 'start'), node('q', 'question', { text: 'Age?', variable: 'age', validation: { type: 'number' }, maxRetries: 0 })], [['s', 'q']]);
    expect(play(def, [[T0, start()], [T0 + SECOND, says('old')]]).steps[1]).toEqual({
      effects: [sendText(endText(def, 'invalid'))],
      state: state({ status: 'Completed', currentNodeId: 'q', lastInput: 'old' }),
    });
  });

  it('sets the timer, leaves by timeout when it fires, ignores a stale one, and a reply cancels it', () => {
    const def = ask({ timeoutSeconds: 120 });
    const timedOut = play(def, [[T0, start()], [T0 + 60 * SECOND, timer(T0 + 5)], [T0 + 120 * SECOND, timer(T0 + 120 * SECOND)]]);
    expect(timedOut.steps).toEqual([
      { effects: [sendText('Your answer, Ana?')], state: state({ status: 'Paused', currentNodeId: 'q', timerAt: T0 + 120 * SECOND }) },
      { effects: [], state: state({ status: 'Paused', currentNodeId: 'q', timerAt: T0 + 120 * SECOND }) },
      { effects: [sendText('Timed out.')], state: state({ status: 'Completed', currentNodeId: 'to' }) },
    ]);
    const answered = play(def, [[T0, start()], [T0 + 60 * SECOND, says('Red')], [T0 + 120 * SECOND, timer(T0 + 120 * SECOND)]]);
    expect(answered.steps[1]?.state).toMatchObject({ status: 'Completed', timerAt: null });
    expect(answered.steps[2]?.effects).toEqual([]);
  });

  it('ends politely on timeout when timeout is not wired', () => {
    const def = flow([node('s', 'start'), node('q', 'question', { text: 'Name?', variable: 'name', timeoutSeconds: 10 }), node('m', 'end')], [['s', 'q'], ['q', 'm']]);
    expect(play(def, [[T0, start()], [T0 + 10 * SECOND, timer(T0 + 10 * SECOND)]]).steps[1]).toEqual({
      effects: [sendText(endText(def, 'timeout'))],
      state: state({ status: 'Completed', currentNodeId: 'q' }),
    });
  });
});
