/** Golden tests: the random split extension (each branch, weights, stickiness). */
import { describe, expect, it } from 'vitest';
import { T0, flow, node, play, start } from './helpers.js';

const split = (branches: { id: string; weight?: number }[], sticky = false) =>
  flow(
    [node('s', 'start'), node('r', 'randomSplit', { branches, sticky }), ...branches.map((b) => node(`to-${b.id}`, 'end', { text: b.id }))],
    [['s', 'r'], ...branches.map((b): [string, string, string] => ['r', `to-${b.id}`, b.id])],
  );

function landings(def: ReturnType<typeof split>, runs: number, vary: 'time' | 'phone'): Record<string, number> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < runs; i += 1) {
    const contact = { name: null, phone: vary === 'phone' ? `34600${String(i).padStart(6, '0')}` : '34600000000' };
    const id = play(def, [[vary === 'time' ? T0 + i * 7919 : T0, start()]], { contact }).state.currentNodeId ?? 'none';
    counts[id] = (counts[id] ?? 0) + 1;
  }
  return counts;
}

describe('randomSplit', () => {
  it('is repeatable: the same contact, node and time take the same branch', () => {
    const def = split([{ id: 'a' }, { id: 'b' }]);
    expect(play(def, [[T0, start()]]).state).toEqual(play(def, [[T0, start()]]).state);
  });

  it('splits in proportion to the weights, reaching every branch', () => {
    const counts = landings(split([{ id: 'a', weight: 3 }, { id: 'b', weight: 1 }]), 4000, 'time');
    expect((counts['to-a'] ?? 0) / 4000).toBeGreaterThan(0.7);
    expect((counts['to-a'] ?? 0) / 4000).toBeLessThan(0.8);
    expect(counts['to-b']).toBeGreaterThan(0);
  });

  it('never takes a zero-weight branch unless all are zero', () => {
    expect(landings(split([{ id: 'a', weight: 0 }, { id: 'b' }]), 300, 'time')).toEqual({ 'to-b': 300 });
    expect(Object.keys(landings(split([{ id: 'a', weight: 0 }, { id: 'b', weight: 0 }]), 300, 'time')).sort()).toEqual(['to-a', 'to-b']);
  });

  it('keeps a contact on one branch when sticky, and spreads contacts', () => {
    expect(Object.keys(landings(split([{ id: 'a' }, { id: 'b' }], true), 50, 'time'))).toHaveLength(1);
    expect(Object.keys(landings(split([{ id: 'a' }, { id: 'b' }], true), 200, 'phone')).sort()).toEqual(['to-a', 'to-b']);
  });
});
