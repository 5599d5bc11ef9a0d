/**
 * Preloaded into an embedded server by `pglite-counter.ts` (never part of waflow): times every
 * call into PGlite's WebAssembly (`execProtocolRawSync`, the one door every query, prepared
 * statement, `BEGIN` and `COMMIT` goes through) and writes the running totals, by statement, to
 * the file named in WAFLOW_BENCH_PGLITE_PROBE twice a second.
 *
 * A call is charged to the statement it runs: a prepared statement by its name (Bind), a simple
 * query by its text; the calls PGlite's own `query()` makes one message at a time (Parse, Bind,
 * Describe, Execute, Sync) are all charged to the text of the Parse before them.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';

const out = process.env.WAFLOW_BENCH_PGLITE_PROBE;
const WRITE_EVERY_MS = 500;
const PARSE = 0x50; // 'P'
const BIND = 0x42; // 'B'
const QUERY = 0x51; // 'Q'

/** Statements run (Binds and simple queries; a Parse or a Sync alone runs none) and time spent. */
type Totals = Record<string, { statements: number; ms: number }>;

if (out) {
  const totals: Totals = {};
  /** The text of the last unnamed Parse: the calls of one `query()` that follow it are its. */
  let lastParsed = '(unknown)';
  const nameOf = (message: Uint8Array): string => {
    const bytes = Buffer.from(message.buffer, message.byteOffset, message.byteLength);
    const cString = (from: number) => bytes.toString('utf8', from, bytes.indexOf(0, from));
    switch (bytes[0]) {
      case BIND:
        return cString(bytes.indexOf(0, 5) + 1) || lastParsed; // after the portal's name
      case QUERY:
        return oneLine(cString(5));
      case PARSE: {
        const name = cString(5);
        const text = oneLine(cString(5 + Buffer.byteLength(name) + 1));
        if (name) return `prepare ${name}`;
        lastParsed = text;
        return text;
      }
      default:
        return lastParsed;
    }
  };
  const prototype = PGlite.prototype as unknown as { execProtocolRawSync(message: Uint8Array): Uint8Array };
  const original = prototype.execProtocolRawSync;
  prototype.execProtocolRawSync = function (this: unknown, message: Uint8Array) {
    const started = performance.now();
    try {
      return original.call(this, message);
    } finally {
      const name = nameOf(message);
      const entry = (totals[name] ??= { statements: 0, ms: 0 });
      if (message[0] === BIND || message[0] === QUERY) entry.statements += 1;
      entry.ms += performance.now() - started;
    }
  };
  // Written beside and renamed over: a reader never sees a file half written.
  const write = () => {
    writeFileSync(`${out}.partial`, JSON.stringify(totals));
    renameSync(`${out}.partial`, out);
  };
  setInterval(write, WRITE_EVERY_MS).unref();
  process.on('exit', write);
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
