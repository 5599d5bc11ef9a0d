/** Command-line options every bench script shares, and the checks that turn them into values. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Launch } from './server.js';
import { MODES, type Mode } from './store.js';

export const COMMON_OPTIONS = {
  /** embedded, postgres, or both (comma-separated); empty for none (e.g. only e2e's --scaled run). */
  mode: { type: 'string', default: MODES.join(',') },
  launcher: { type: 'string', default: 'build' },
  /** node's flags for the server processes: by default those the deploy files start it with. */
  'node-flags': { type: 'string', default: '--max-semi-space-size=8' },
  /** The PostgreSQL server on which a fresh database is created for each run (and dropped). */
  'pg-url': { type: 'string', default: process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432' },
  /** Redis for the runs that need it (the ingest-only `serve --no-worker` role); keys get a prefix of their own. */
  'redis-url': { type: 'string', default: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379' },
  /** Folder for V8 CPU profiles of the server (one .cpuprofile per server process). */
  'cpu-prof': { type: 'string' },
  /** Also append the JSON result line to this file. */
  out: { type: 'string' },
} as const;

export interface CommonArgs {
  modes: Mode[];
  launch: Launch;
  pgUrl: string;
  redisUrl: string;
  out: string | null;
}

/** A script's own options: every one is a string (numbers and lists are checked after). */
type StringOptions = Record<string, { type: 'string'; default?: string }>;

/** Parses the script's own options next to the common ones; unknown flags are an error. */
export function parseBenchArgs(own: StringOptions): { common: CommonArgs; values: Record<string, string | undefined> } {
  const config = { args: process.argv.slice(2), options: { ...COMMON_OPTIONS, ...own }, strict: true } satisfies ParseArgsConfig;
  const values = parseArgs(config).values as Record<string, string | undefined>;
  const modes = String(values.mode).split(',').map((mode) => mode.trim()).filter((mode) => mode !== '');
  for (const mode of modes) if (!MODES.includes(mode as Mode)) throw new Error(`--mode: ${mode} is not one of ${MODES.join(', ')}`);
  const launcher = String(values.launcher);
  if (launcher !== 'build' && launcher !== 'source') throw new Error('--launcher: build or source');
  const common: CommonArgs = {
    modes: modes as Mode[],
    launch: {
      launcher,
      nodeFlags: String(values['node-flags']).split(' ').filter((flag) => flag !== ''),
      cpuProfDir: values['cpu-prof'] ?? null,
    },
    pgUrl: String(values['pg-url']),
    redisUrl: String(values['redis-url']),
    out: values.out ?? null,
  };
  return { common, values };
}

/** A positive number from an option's text. */
export function positive(name: string, value: unknown): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new Error(`--${name}: expected a positive number, got ${String(value)}`);
  return number;
}

export function nonNegative(name: string, value: unknown): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0) throw new Error(`--${name}: expected a number ≥ 0, got ${String(value)}`);
  return number;
}

/** A comma-separated list of positive numbers. */
export function positiveList(name: string, value: unknown): number[] {
  return String(value).split(',').map((item) => positive(name, item.trim()));
}
