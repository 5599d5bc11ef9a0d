/** Golden tests: condition rules and both handles. */
import { describe, expect, it } from 'vitest';
import { T0, flow, node, play, says, sendText, start, state } from './helpers.js';

type Rule = Record<string, unknown>;

/** The handle a condition leaves by, with these variables set. */
function branch(rules: Rule[], variables: Record<string, string> = {}, match: 'all' | 'any' = 'all', input: string | null = null): string {
  const def = flow(
    [node('s', 'start'), node('c', 'condition', { match, rules }), node('t', 'end', { text: 'T' }), node('f', 'end', { text: 'F' })],
    [['s', 'c'], ['c', 't', 'true'], ['c', 'f', 'false']],
  );
  const played = play(def, [[T0, start(input === null ? null : { type: 'text', text: input, reply: null, replyTo: null })]], {
    from: state({ variables }),
  });
  if (played.state.status !== 'Completed') throw new Error(played.state.error ?? 'not completed');
  return played.state.currentNodeId === 't' ? 'true' : 'false';
}

describe('condition', () => {
  it('leaves by true and false (golden)', () => {
    const def = flow(
      [
        node('s', 'start'),
        node('c', 'condition', { match: 'all', rules: [{ left: '{{plan}}', op: 'eq', right: 'gold' }] }),
        node('t', 'end', { text: 'VIP' }),
        node('f', 'end', { text: 'Regular' }),
      ],
      [['s', 'c'], ['c', 't', 'true'], ['c', 'f', 'false']],
    );
    expect(play(def, [[T0, start()]], { from: state({ variables: { plan: 'gold' } }) }).steps).toEqual([
      { effects: [sendText('VIP')], state: state({ status: 'Completed', currentNodeId: 't', variables: { plan: 'gold' } }) },
    ]);
    expect(play(def, [[T0, start()]]).steps).toEqual([{ effects: [sendText('Regular')], state: state({ status: 'Completed', currentNodeId: 'f' }) }]);
  });

  it('compares text: eq, neq, contains, startsWith, endsWith, ignoreCase', () => {
    const v = { city: ' Málaga ' };
    expect(branch([{ left: '{{city}}', op: 'eq', right: 'Málaga' }], v)).toBe('true');
    expect(branch([{ left: '{{city}}', op: 'eq', right: 'malaga' }], v)).toBe('false');
    expect(branch([{ left: '{{city}}', op: 'eq', right: 'MALAGA', ignoreCase: true }], v)).toBe('true');
    expect(branch([{ left: '{{city}}', op: 'neq', right: 'Madrid' }], v)).toBe('true');
    expect(branch([{ left: '{{city}}', op: 'contains', right: 'lag' }], v)).toBe('true');
    expect(branch([{ left: '{{city}}', op: 'startsWith', right: 'Má' }], v)).toBe('true');
    expect(branch([{ left: '{{city}}', op: 'endsWith', right: 'GA', ignoreCase: true }], v)).toBe('true');
    expect(branch([{ left: '{{city}}', op: 'endsWith', right: 'GA' }], v)).toBe('false');
  });

  it('compares numbers: eq by value, gt/gte/lt/lte, false when not numbers', () => {
    const v = { age: '18', price: '9,5', name: 'Ana' };
    expect(branch([{ left: '{{age}}', op: 'eq', right: '18.0' }], v)).toBe('true');
    expect(branch([{ left: '{{age}}', op: 'gte', right: '18' }], v)).toBe('true');
    expect(branch([{ left: '{{age}}', op: 'gt', right: '18' }], v)).toBe('false');
    expect(branch([{ left: '{{price}}', op: 'lt', right: '10' }], v)).toBe('true');
    expect(branch([{ left: '{{price}}', op: 'lte', right: '9.5' }], v)).toBe('true');
    expect(branch([{ left: '{{name}}', op: 'gt', right: '1' }], v)).toBe('false');
    expect(branch([{ left: '{{name}}', op: 'lt', right: '1' }], v)).toBe('false');
  });

  it('does not read "1,500" or "1.000" as numbers (1.5 or 1500? 1 or 1000?): compared as text', () => {
    const v = { amount: '1,500', count: '1.000' };
    expect(branch([{ left: '{{amount}}', op: 'lt', right: '10' }], v)).toBe('false');
    expect(branch([{ left: '{{amount}}', op: 'gt', right: '10' }], v)).toBe('false');
    expect(branch([{ left: '{{count}}', op: 'eq', right: '1' }], v)).toBe('false');
    expect(branch([{ left: '{{count}}', op: 'eq', right: '1.000' }], v)).toBe('true');
    expect(branch([{ left: '0,125', op: 'eq', right: '0.125' }], v)).toBe('true');
  });

  it('matches regex rules with the pattern taken literally', () => {
    expect(branch([{ left: '{{code}}', op: 'regex', right: '^\\d{5}$' }], { code: '28001' })).toBe('true');
    expect(branch([{ left: '{{code}}', op: 'regex', right: '^\\d{5}$' }], { code: '2800' })).toBe('false');
    expect(branch([{ left: 'x', op: 'regex', right: '{{code}}' }], { code: 'x' })).toBe('false');
  });

  it('checks isSet and isEmpty', () => {
    expect(branch([{ left: '{{email}}', op: 'isSet' }], { email: '' })).toBe('true');
    expect(branch([{ left: '{{email}}', op: 'isSet' }], {})).toBe('false');
    expect(branch([{ left: '{{email}}', op: 'isEmpty' }], { email: '  ' })).toBe('true');
    expect(branch([{ left: '{{email}}', op: 'isEmpty' }], { email: 'a@b.co' })).toBe('false');
    expect(branch([{ left: '{{contact.name}}', op: 'isSet' }])).toBe('true');
    expect(branch([{ left: '{{input}}', op: 'isSet' }])).toBe('false');
    expect(branch([{ left: '{{input}}', op: 'isSet' }], {}, 'all', 'hi')).toBe('true');
    expect(branch([{ left: 'literal', op: 'isSet' }])).toBe('true');
  });

  it('combines rules with all / any; no rules: all → true, any → false', () => {
    const rules = [
      { left: '{{a}}', op: 'eq', right: '1' },
      { left: '{{b}}', op: 'eq', right: '1' },
    ];
    expect(branch(rules, { a: '1', b: '2' }, 'all')).toBe('false');
    expect(branch(rules, { a: '1', b: '2' }, 'any')).toBe('true');
    expect(branch(rules, { a: '1', b: '1' }, 'all')).toBe('true');
    expect(branch(rules, {}, 'any')).toBe('false');
    expect(branch([], {}, 'all')).toBe('true');
    expect(branch([], {}, 'any')).toBe('false');
  });

  it('stops at the rule that decides: a later rule, even an unusable pattern, is not evaluated', () => {
    const broken = { left: 'a', op: 'regex', right: '(?<=a)b' };
    expect(branch([{ left: '1', op: 'eq', right: '1' }, broken], {}, 'any')).toBe('true');
    expect(branch([{ left: '1', op: 'eq', right: '2' }, broken], {}, 'all')).toBe('false');
  });

  // each rule: a 1,000-instruction program over 1,000 characters, the most one match may do
  const heavy = { left: '{{text}}', op: 'regex', right: '(?:.?){499}' };
  const long = { text: 'x'.repeat(1000) };

  it('errors the session when its regex rules would do more work than a step may', () => {
    expect(branch([heavy, heavy], long)).toBe('true');
    const def = flow([node('s', 'start'), node('c', 'condition', { match: 'all', rules: [heavy, heavy, heavy] }), node('t', 'end')], [['s', 'c'], ['c', 't', 'true'], ['c', 't', 'false']]);
    expect(play(def, [[T0, start()]], { from: state({ variables: long }) }).state).toMatchObject({
      status: 'Errored',
      currentNodeId: 'c',
      error: expect.stringContaining('"c": regex rules need more work than a step may do'),
    });
  });

  it('shares the regex budget among all the conditions of a step, however many, and renews it each step', () => {
    // c1 → c2 → q (waits) → c3: a budget per condition let a chain of 98 take 3 s of one step
    const check = (id: string) => node(id, 'condition', { match: 'all', rules: [heavy] });
    const def = flow(
      [node('s', 'start'), check('c1'), check('c2'), node('q', 'question', { text: 'More?', variable: 'more' }), check('c3'), node('e', 'end', { text: 'done' })],
      [['s', 'c1'], ['c1', 'c2', 'true'], ['c2', 'q', 'true'], ['q', 'c3'], ['c3', 'e', 'true'], ['c1', 'e', 'false'], ['c2', 'e', 'false'], ['c3', 'e', 'false']],
    );
    const played = play(def, [[T0, start()], [T0 + 1, says('yes')]], { from: state({ variables: long }) });
    expect(played.steps.map((result) => result.state.status)).toEqual(['Paused', 'Completed']);
    expect(played.effects).toEqual([sendText('More?'), sendText('done')]);

    const chain = flow(
      [node('s', 'start'), check('c1'), check('c2'), check('c3'), node('e', 'end', { text: 'done' })],
      [['s', 'c1'], ['c1', 'c2', 'true'], ['c2', 'c3', 'true'], ['c3', 'e', 'true'], ['c1', 'e', 'false'], ['c2', 'e', 'false'], ['c3', 'e', 'false']],
    );
    expect(play(chain, [[T0, start()]], { from: state({ variables: long }) }).state).toMatchObject({
      status: 'Errored',
      currentNodeId: 'c3',
      error: expect.stringContaining('"c3": regex rules need more work than a step may do'),
    });
  });

  it('matches a regex rule regardless of case with ignoreCase, the text as written', () => {
    const yes = { left: '{{input}}', op: 'regex', right: '^yes$' };
    expect(branch([yes], {}, 'all', 'YES')).toBe('false');
    expect(branch([{ ...yes, ignoreCase: true }], {}, 'all', 'YES')).toBe('true');
    expect(branch([{ ...yes, ignoreCase: true }], {}, 'all', 'Yés')).toBe('false');
    expect(branch([{ left: '{{input}}', op: 'regex', right: '^sí$', ignoreCase: true }], {}, 'all', 'SÍ')).toBe('true');
  });

  it('errors the session on an unusable pattern and on an unwired branch', () => {
    const bad = flow([node('s', 'start'), node('c', 'condition', { match: 'all', rules: [{ left: 'a', op: 'regex', right: '(?<=a)b' }] })], [['s', 'c']]);
    expect(play(bad, [[T0, start()]]).state).toMatchObject({ status: 'Errored', currentNodeId: 'c', error: expect.stringMatching(/^"c": invalid pattern/) });
    const unwired = flow([node('s', 'start'), node('c', 'condition', { match: 'all', rules: [] }), node('f', 'end')], [['s', 'c'], ['c', 'f', 'false']]);
    expect(play(unwired, [[T0, start()]]).state).toEqual(state({ status: 'Errored', currentNodeId: 'c', error: '"c" has no edge for "true"' }));
  });
});
