/**
 * Counts and times the calls an embedded server makes into PGlite, by statement: the server is
 * started with `pglite-probe.ts` preloaded, which writes its running totals to a file; `start()`
 * takes the totals of that moment as the baseline and `counts()` what was added since. Unlike
 * PostgreSQL's wire, PGlite runs inside the server, so this is the one way to see it from outside.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

export interface StatementTotals {
  /** Statements run: each Bind of a prepared statement and each simple query. */
  statements: number;
  /** Time inside PGlite, preparing included. */
  ms: number;
}

export interface PgliteCounter {
  /** node's flags that preload the probe (tsx first: the probe is TypeScript). */
  nodeFlags: readonly string[];
  /** The server's environment that turns the probe on. */
  env: Record<string, string>;
  /** Counting starts here: waits for the probe's next write, then takes it as the baseline. */
  start(): Promise<void>;
  /** Statements and milliseconds inside PGlite since `start()`, by statement (waits for a fresh write). */
  counts(): Promise<Map<string, StatementTotals>>;
  dispose(): void;
}

const PROBE = fileURLToPath(new URL('./pglite-probe.ts', import.meta.url));
/** Longer than the probe's interval between writes. */
const FRESH_WRITE_MS = 1_200;

export function createPgliteCounter(): PgliteCounter {
  const dir = mkdtempSync(join(tmpdir(), 'waflow-pglite-probe-'));
  const file = join(dir, 'totals.json');
  const read = async (): Promise<Record<string, StatementTotals>> => {
    await sleep(FRESH_WRITE_MS);
    if (!existsSync(file)) throw new Error('the PGlite probe wrote nothing: is the server embedded, and was it started with nodeFlags?');
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, StatementTotals>;
  };
  let baseline: Record<string, StatementTotals> = {};
  return {
    nodeFlags: ['--import', 'tsx', '--import', PROBE],
    env: { WAFLOW_BENCH_PGLITE_PROBE: file },
    async start() {
      baseline = await read();
    },
    async counts() {
      const now = await read();
      const since = new Map<string, StatementTotals>();
      for (const [name, totals] of Object.entries(now)) {
        const before = baseline[name] ?? { statements: 0, ms: 0 };
        if (totals.ms > before.ms) since.set(name, { statements: totals.statements - before.statements, ms: totals.ms - before.ms });
      }
      return since;
    },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
