/**
 * `waflow serve` on a port that is taken, run as a supervisor runs it: the process must end with
 * code 1 and say which port, after closing its worker and database and releasing DATA_DIR —
 * not run on without HTTP.
 */
import { existsSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { startServiceProcess } from '../support/process.js';
import { runWaflow } from './run.js';
import { freshDataDir } from '../support/data-dir.js';

const dataDir = freshDataDir('cli-serve');
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const serviceEnv = { DATA_DIR: dataDir, HOST: '127.0.0.1', LOG_LEVEL: 'silent' };

/** A server holding a port on HOST until closed. */
async function occupiedPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, server };
}

it('exits with code 1 when its port is taken, and leaves DATA_DIR to the next start', async () => {
  const { port, server } = await occupiedPort();
  try {
    // The first start of a data folder takes seconds; one that hangs on is killed (code null).
    const refused = await runWaflow(['serve'], { PATH: process.env.PATH, HOME: process.env.HOME, ...serviceEnv, PORT: String(port) }, 45_000);
    expect(refused.code, refused.stderr).toBe(1);
    expect(refused.stderr).toContain(`EADDRINUSE`);
    expect(refused.stderr).toContain(`:${port}`);
  } finally {
    server.close();
  }
  expect(existsSync(join(dataDir, 'waflow.lock'))).toBe(false);

  const service = await startServiceProcess(['serve'], serviceEnv);
  expect(await service.stop(), service.output()).toBe(0);
}, 120_000);
