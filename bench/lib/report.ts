/**
 * Every benchmark ends the same way: one table for people and one JSON line for machines, both
 * naming the machine and the exact command, so a number can always be traced and reproduced.
 */
import { appendFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { relative } from 'node:path';

export type Cell = string | number | boolean | null;
export type Row = Record<string, Cell>;

export interface Machine {
  cores: number;
  cpu: string;
  memoryGb: number;
  node: string;
  platform: string;
  /** 1-minute load average when the script started: above ~0.5, something else was running too. */
  loadAverageAtStart: number;
}

const loadAtStart = loadavg()[0] ?? 0;

export function machine(): Machine {
  const list = cpus();
  return {
    cores: list.length,
    cpu: list[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    loadAverageAtStart: Math.round(loadAtStart * 100) / 100,
  };
}

/** The command line that reproduces this run, as typed from the repository root. */
export function command(): string {
  const script = relative(process.cwd(), process.argv[1] ?? '');
  return ['npx tsx', script, ...process.argv.slice(2)].join(' ');
}

export interface Result {
  bench: string;
  machine: Machine;
  command: string;
  /** What the server under test was: `waflow serve` from the build, or from source. */
  server: string;
  rows: Row[];
  /** Conclusions drawn from the rows (e.g. the highest rate held), printed under the table. */
  summary?: Row;
}

export function printResult(result: Result, options: { out: string | null }): void {
  const m = result.machine;
  console.log(
    `\n${result.bench} — ${m.cores} cores (${m.cpu}), ${m.memoryGb} GB, node ${m.node}, ${m.platform}, ` +
      `load average at start ${m.loadAverageAtStart}`,
  );
  console.log(`command: ${result.command}`);
  console.log(`server:  ${result.server}`);
  console.log(formatTable(result.rows));
  for (const [key, value] of Object.entries(result.summary ?? {})) console.log(`${key}: ${formatCell(value)}`);
  const line = JSON.stringify(result);
  console.log(line);
  if (options.out) appendFileSync(options.out, `${line}\n`);
}

function formatTable(rows: readonly Row[]): string {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const cells = rows.map((row) => columns.map((column) => formatCell(row[column])));
  const widths = columns.map((column, i) => Math.max(column.length, ...cells.map((line) => line[i]!.length)));
  const line = (values: readonly string[]) =>
    values.map((value, i) => (i === 0 ? value.padEnd(widths[i]!) : value.padStart(widths[i]!))).join('  ');
  return [line(columns), line(widths.map((width) => '-'.repeat(width))), ...cells.map(line)].join('\n');
}

function formatCell(value: Cell | undefined): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '—';
  return String(value);
}
