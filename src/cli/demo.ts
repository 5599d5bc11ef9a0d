import { parseArgs } from 'node:util';
import { startDemo } from '../demo/run.js';

/** `waflow demo [--port 3001] [--keep-data]`: a working conversation in under a minute. */
export async function demoCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { port: { type: 'string', default: process.env.PORT ?? '3001' }, 'keep-data': { type: 'boolean', default: false } } });
  const demo = await startDemo({ port: Number(values.port), input: process.stdin, output: process.stdout, keepData: values['keep-data'] });
  const stop = () => void demo.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await demo.finished;
  stop();
}
