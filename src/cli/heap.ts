/**
 * Garbage-collector bounds for the long-running roles. V8 lets the old generation grow to up to
 * four times its live size before a full collection: under webhook load a process on PostgreSQL
 * with ~45 MB live reached 200 MB of RSS, mostly garbage. Collecting once it has grown by half
 * keeps it under 150 MB for about 5 % more CPU (docs/benchmarks.md). The young generation's cap
 * (`--max-semi-space-size`) can only be set when node starts: the deploy files pass it.
 */
import { setFlagsFromString } from 'node:v8';

const HEAP_GROWING_PERCENT = 50;

export function boundHeapGrowth(execArgv: readonly string[] = process.execArgv, setFlags = setFlagsFromString): void {
  // A value given on node's own command line is the operator's choice.
  if (execArgv.some((arg) => arg.startsWith('--heap-growing-percent'))) return;
  setFlags(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
