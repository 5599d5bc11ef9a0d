/** The `waflow` process: runs a command and turns its outcome into an exit code. */
import { format } from 'node:util';
import { main } from './main.js';

main(process.argv.slice(2)).then(
  (code) => {
    if (typeof code === 'number') process.exitCode = code;
  },
  (error: unknown) => {
    // Exit rather than wait for the event loop to empty: a half-started command may hold timers
    // or sockets. Commands close what they opened before failing; stderr is flushed first.
    process.stderr.write(`${error instanceof Error ? error.message : format(error)}\n`, () => process.exit(1));
  },
);
