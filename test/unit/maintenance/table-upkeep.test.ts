import { describe, expect, it } from 'vitest';
import { nextUpkeep } from '../../../src/maintenance/table-upkeep.js';

const table = (name: string, counts: { live?: number; dead?: number; modified?: number }) => ({ table: name, live: 0, dead: 0, modified: 0, ...counts });

describe('nextUpkeep', () => {
  it('wants nothing while every table is within autovacuum thresholds', () => {
    expect(nextUpkeep([table('a', { live: 1000, dead: 250, modified: 150 }), table('b', {})])).toBeNull();
  });

  it('analyzes a table once 50 rows + 10 % of it changed', () => {
    expect(nextUpkeep([table('a', { live: 1000, modified: 151 })])).toEqual({ table: 'a', action: 'analyze' });
    expect(nextUpkeep([table('a', { live: 0, modified: 51 })])).toEqual({ table: 'a', action: 'analyze' });
  });

  it('vacuums a table once 50 rows + 20 % of it are dead', () => {
    expect(nextUpkeep([table('a', { live: 1000, dead: 251 })])).toEqual({ table: 'a', action: 'vacuum' });
  });

  it('does the most overdue one first, one at a time', () => {
    const tables = [table('a', { live: 1000, modified: 300 }), table('b', { live: 1000, dead: 1000 }), table('c', { live: 10, modified: 60 })];
    // a: 300 / 150 = 2; b: 1000 / 250 = 4; c: 60 / 51 ≈ 1.2
    expect(nextUpkeep(tables)).toEqual({ table: 'b', action: 'vacuum' });
  });
});
