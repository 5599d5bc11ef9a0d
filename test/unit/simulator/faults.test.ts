import { describe, expect, it } from 'vitest';
import { Faults } from '../../../src/simulator/faults.js';

const happyPath = ['sent', 'delivered', 'read'] as const;

/** A random source that replays the given values, then repeats the last. */
function sequence(...values: number[]): () => number {
  let index = 0;
  return () => values[Math.min(index++, values.length - 1)] ?? 0;
}

describe('Faults', () => {
  it('does nothing by default', () => {
    const faults = new Faults();
    expect(faults.nextSendFailure()).toBeNull();
    expect(faults.latencyMs).toBe(0);
    expect(faults.statusPlan(happyPath)).toEqual({ statuses: ['sent', 'delivered', 'read'], failureCode: null });
  });

  it('fails exactly the next N sends, then recovers', () => {
    const faults = new Faults();
    const failure = { kind: 'graph', code: 130429 } as const;
    faults.set({ failNext: { count: 2, failure } });
    expect([faults.nextSendFailure(), faults.nextSendFailure(), faults.nextSendFailure()]).toEqual([failure, failure, null]);
  });

  it('fails sends at the configured rate', () => {
    const faults = new Faults(sequence(0.1, 0.9, 0.29));
    faults.set({ failRate: { rate: 0.3, failure: { kind: 'timeout' } } });
    expect([faults.nextSendFailure(), faults.nextSendFailure(), faults.nextSendFailure()]).toEqual([{ kind: 'timeout' }, null, { kind: 'timeout' }]);
  });

  it('plans failed, reversed, duplicated and shuffled statuses', () => {
    const faults = new Faults(sequence(0));
    faults.set({ failedStatus: { rate: 1, code: 131026 } });
    expect(faults.statusPlan(happyPath)).toEqual({ statuses: ['sent', 'failed'], failureCode: 131026 });
    faults.set({ statusOrder: 'reversed', duplicateStatusRate: 1 });
    expect(faults.statusPlan(happyPath).statuses).toEqual(['read', 'read', 'delivered', 'delivered', 'sent', 'sent']);
    const shuffling = new Faults(sequence(0.9, 0.5, 0.1));
    shuffling.set({ statusOrder: 'shuffled' });
    expect(shuffling.statusPlan(happyPath).statuses).toEqual(['read', 'delivered', 'sent']);
  });

  it('plans nothing when no statuses are wanted, failures included', () => {
    const faults = new Faults();
    faults.set({ failedStatus: { rate: 1, code: 131026 } });
    expect(faults.statusPlan([])).toEqual({ statuses: [], failureCode: null });
  });

  it('replaces all settings at once', () => {
    const faults = new Faults();
    faults.set({ latencyMs: 50, failNext: { count: 5, failure: { kind: 'timeout' } } });
    faults.set({});
    expect(faults.latencyMs).toBe(0);
    expect(faults.nextSendFailure()).toBeNull();
  });
});
