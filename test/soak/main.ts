/**
 * `npm run soak [-- --minutes 3 --mode both --contacts 60 --kills-per-minute 4 --seed 42]`
 *
 * Runs the embedded single process, then the scaled cluster (2 serve + 3 workers on the machine's
 * PostgreSQL and Redis, skipped when they are not reachable), each under load for the given
 * minutes with kill -9 of random processes at random moments. Prints one `soak-result` JSON line
 * per mode and exits 1 if an invariant broke.
 */
import { parseArgs } from 'node:util';
import { scaledModeAvailable } from '../support/services.js';
import { runSoak, type SoakResult } from './run.js';
import type { SoakMode } from './topology.js';

const { values } = parseArgs({
  options: {
    mode: { type: 'string', default: 'both' },
    minutes: { type: 'string', default: '3' },
    contacts: { type: 'string', default: '60' },
    'round-ms': { type: 'string', default: '1000' },
    'kills-per-minute': { type: 'string', default: '4' },
    workers: { type: 'string', default: '3' },
    seed: { type: 'string', default: String(Date.now() % 1_000_000) },
  },
});

const modes: SoakMode[] = values.mode === 'both' ? ['embedded', 'scaled'] : [values.mode as SoakMode];
const minutes = Number(values.minutes);
const results: SoakResult[] = [];

for (const mode of modes) {
  if (mode === 'scaled' && !scaledModeAvailable) {
    console.log('soak-skipped {"mode":"scaled","reason":"PostgreSQL or Redis not reachable"}');
    continue;
  }
  const result = await runSoak({
    mode,
    durationMs: minutes * 60_000,
    contacts: Number(values.contacts),
    roundIntervalMs: Number(values['round-ms']),
    kills: Math.max(1, Math.round(minutes * Number(values['kills-per-minute']))),
    seed: Number(values.seed),
    serves: 2,
    workers: Number(values.workers),
    log: (line) => console.log(`[${mode}] ${line}`),
  });
  results.push(result);
  console.log(`soak-result ${JSON.stringify(result)}`);
}

const failed = results.filter((result) => result.violations.length > 0);
for (const result of failed) console.error(`soak ${result.mode} FAILED: ${result.violations.join('; ')}`);
process.exit(failed.length > 0 ? 1 : 0);
