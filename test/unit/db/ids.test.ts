import { describe, expect, it } from 'vitest';
import { newId } from '../../../src/db/ids.js';

describe('newId', () => {
  it('makes 25-character base36 ids that start with c, like cuid()', () => {
    for (let i = 0; i < 100; i++) expect(newId()).toMatch(/^c[0-9a-z]{24}$/);
  });

  it('gives every id fresh randomness, across refills of the random pool', () => {
    const ids = Array.from({ length: 2_000 }, newId);
    expect(new Set(ids).size).toBe(ids.length);
    // The last 11 characters are the random part: distinct even with the counter taken away.
    expect(new Set(ids.map((id) => id.slice(-11))).size).toBe(ids.length);
  });

  it('orders ids made later after ids made earlier', async () => {
    const before = newId();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(newId().slice(0, 10) > before.slice(0, 10)).toBe(true);
  });
});
