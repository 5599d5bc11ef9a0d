/**
 * The short soak of `npm test`: the embedded service under load, killed with -9 twice at random
 * moments and restarted. Every acknowledged message processed exactly once, in order per
 * contact; outbound duplicates within the sends in flight at the kills. The long version, with
 * the scaled cluster too, is `npm run soak`.
 */
import { expect, it } from 'vitest';
import { runSoak } from '../soak/run.js';
import { printFigures } from './support/figures.js';

it('kill -9 under load: nothing lost, nothing twice, per-contact order held', async () => {
  const seed = Date.now() % 1_000_000;
  const result = await runSoak({ mode: 'embedded', durationMs: 12_000, contacts: 25, roundIntervalMs: 1_000, kills: 2, seed });
  printFigures('kills-short', { ...result });
  expect(result.violations, `seed ${seed}`).toEqual([]);
  expect(result.kills).toBe(2);
  expect(result.acknowledged).toBe(300);
}, 150_000);
