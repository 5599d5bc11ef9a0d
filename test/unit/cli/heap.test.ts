import { expect, it } from 'vitest';
import { boundHeapGrowth } from '../../../src/cli/heap.js';

function flagsSet(execArgv: string[]): string[] {
  const set: string[] = [];
  boundHeapGrowth(execArgv, (flags) => set.push(flags));
  return set;
}

it('bounds the old generation growth to half its live size', () => {
  expect(flagsSet(['--max-semi-space-size=8'])).toEqual(['--heap-growing-percent=50']);
});

it('leaves a growth given on node\'s command line alone', () => {
  expect(flagsSet(['--heap-growing-percent=100'])).toEqual([]);
});
