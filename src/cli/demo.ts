import { parseArgs } from 'node:util';
import { startDemo } from '../demo/run.js';
import { UsageError } from './context.js';

/** `waflow demo [--port 3001] [--keep-data]`: a working conversation in under a minute. */
export async function demoCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { port: { type: 'string', default: process.env.PORT ?? '3001' }, 'keep-data': { type: 'boolean', default: false } } });
  const port = parsePort(values.port);
  // Before the start, which takes seconds: Ctrl-C during it must close what it started too.
  const stopRequested = new AbortController();
  const requestStop = (signal: NodeJS.Signals) => {
    process.stderr.write('stopping…\n'); // a start step under way (the database's) is finished first
    stopRequested.abort(new Error(`demo stopped by ${signal} while starting`));
  };
  process.once('SIGINT', requestStop);
  process.once('SIGTERM', requestStop);
  const demo = await startDemo({ port, input: process.stdin, output: process.stdout, keepData: values['keep-data'], signal: stopRequested.signal });
  await demo.finished;
  await demo.stop();
  process.exit(0); // everything is closed: an open stdin must not keep the process alive
}

/** Checked before anything starts: a bad port found later would leave the simulator running. */
function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d{1,5}$/.test(text) || port > 65535) throw new UsageError(`--port must be a port number from 0 to 65535, not "${text}"`);
  return port;
}
