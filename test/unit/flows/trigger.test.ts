import { describe, expect, it } from 'vitest';
import { chooseFlowByTrigger, matchesTrigger, normalizeText, triggerRank } from '../../../src/flows/trigger.js';

describe('normalizeText', () => {
  it('trims, strips diacritics and lower-cases', () => {
    expect(normalizeText('  Hólá ')).toBe('hola');
    expect(normalizeText('ÑANDÚ')).toBe('nandu');
    expect(normalizeText('Ça va')).toBe('ca va');
  });
});

describe('matchesTrigger (the seed\'s semantics)', () => {
  it.each([
    ['hola', 'hola', true],
    ['Hólá', 'hola', true],
    ['hola', 'Hólá', true],
    ['HOLA', 'hola', true],
    ['  hola  ', 'hola', true],
    ['hola amigo', 'hola', true],
    ['dime hola', 'hola', true],
    ['holanda', 'hola', true], // substring, as in the seed
    ['chao', 'hola', false],
    ['hol', 'hola', false],
    ['anything at all', 'default', true],
    ['anything', 'DEFAULT', true],
    ['anything', ' Default ', true],
    ['hola', '', false],
    ['', 'hola', false],
    ['', 'default', false],
    ['hola', '   ', true], // a blank keyword normalises to "" and the seed's includes("") is true
  ] as const)('%j vs trigger %j → %s', (message, trigger, expected) => {
    expect(matchesTrigger(message, trigger)).toBe(expected);
  });

  it('never matches a message without text, not even "default"', () => {
    expect(matchesTrigger(null, 'default')).toBe(false);
    expect(matchesTrigger(null, 'hola')).toBe(false);
  });
});

describe('triggerRank', () => {
  it('ranks exact, whole word, substring, default', () => {
    expect(triggerRank('Hólá', 'hola')).toBe('exact');
    expect(triggerRank('hola, quiero info', 'hola')).toBe('word');
    expect(triggerRank('¿precio?', 'precio')).toBe('word');
    expect(triggerRank('buenos días a todos', 'buenos dias')).toBe('word');
    expect(triggerRank('holanda', 'hola')).toBe('substring');
    expect(triggerRank('chao', 'hola')).toBeNull();
    expect(triggerRank('chao', 'default')).toBe('default');
  });

  it('matches a message without text only to "default", and a blank trigger to nothing', () => {
    expect(triggerRank(null, 'default')).toBe('default');
    expect(triggerRank(null, 'hola')).toBeNull();
    expect(triggerRank('', 'hola')).toBeNull();
    expect(triggerRank('hola', '  ')).toBeNull();
  });

  it('finds a whole word after an earlier substring occurrence', () => {
    expect(triggerRank('holanda hola', 'hola')).toBe('word');
  });
});

describe('chooseFlowByTrigger', () => {
  const at = (iso: string) => new Date(iso);
  const flows = [
    { id: 'f-default', trigger: 'default', updatedAt: at('2025-03-01') },
    { id: 'f-sub', trigger: 'prec', updatedAt: at('2025-03-01') },
    { id: 'f-word', trigger: 'precio', updatedAt: at('2025-01-01') },
    { id: 'f-exact', trigger: 'precio envio', updatedAt: at('2024-01-01') },
  ];

  it('prefers exact over whole word over substring over default', () => {
    expect(chooseFlowByTrigger(flows, 'Precio envío')?.id).toBe('f-exact');
    expect(chooseFlowByTrigger(flows, 'el precio, por favor')?.id).toBe('f-word');
    expect(chooseFlowByTrigger(flows, 'precios')?.id).toBe('f-sub');
    expect(chooseFlowByTrigger(flows, 'hola')?.id).toBe('f-default');
  });

  it('gives a message without text to the default flow only', () => {
    expect(chooseFlowByTrigger(flows, null)?.id).toBe('f-default');
    expect(chooseFlowByTrigger(flows.slice(1), null)).toBeNull();
  });

  it('breaks ties by the most recently updated flow, then by id', () => {
    const tied = [
      { id: 'b', trigger: 'hola', updatedAt: at('2025-01-01') },
      { id: 'c', trigger: 'HOLA', updatedAt: at('2025-06-01') },
      { id: 'a', trigger: 'hóla', updatedAt: at('2025-06-01') },
    ];
    expect(chooseFlowByTrigger(tied, 'hola')?.id).toBe('a');
    expect(chooseFlowByTrigger([...tied].reverse(), 'hola')?.id).toBe('a');
    expect(chooseFlowByTrigger(tied.slice(0, 2), 'hola')?.id).toBe('c');
  });

  it('returns null when nothing matches', () => {
    expect(chooseFlowByTrigger([], 'hola')).toBeNull();
    expect(chooseFlowByTrigger([{ id: 'x', trigger: 'menu', updatedAt: new Date(0) }], 'hola')).toBeNull();
  });
});
