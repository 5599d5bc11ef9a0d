import { parseArgs } from 'node:util';
import { createWaflow, type Role, type Waflow } from '../app.js';
import { loadConfig } from '../config/index.js';
import { secretsFile } from '../config/secrets.js';
import { boundHeapGrowth } from './heap.js';

/** `waflow serve [--no-worker]`: HTTP + socket.io, with the worker in-process unless told not to. */
export async function serveCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { 'no-worker': { type: 'boolean', default: false } } });
  await run(values['no-worker'] ? 'serve' : 'all');
}

/** `waflow worker`: conversations, sends and timers, with health, readiness and metrics on PORT. */
export async function workerCommand(): Promise<void> {
  await run('worker');
}

async function run(role: Role): Promise<void> {
  boundHeapGrowth();
  const config = loadConfig();
  const waflow = await createWaflow(config, { role });
  const url = (await listenOrClose(waflow)).replace('0.0.0.0', 'localhost').replace('[::]', 'localhost');
  waflow.log.info({ url, role, database: waflow.database.describe }, startupMessage(waflow, url, config.dataDir));
  if (!config.appSecret && role !== 'worker') {
    waflow.log.warn('WHATSAPP_APP_SECRET is not set: webhooks are refused unless the user has its own appSecret');
  }
  stopOnSignals(waflow, config.shutdownTimeoutMs);
}

/**
 * Without its port the process serves nothing (no webhooks, no health checks) while its worker
 * would run on: close everything, so the error ends the process and a supervisor sees it.
 */
async function listenOrClose(waflow: Waflow): Promise<string> {
  try {
    return await waflow.listen();
  } catch (error) {
    await waflow.close().catch((closeError: unknown) => waflow.log.error({ err: closeError }, 'closing after the failed listen failed'));
    throw error;
  }
}

function startupMessage(waflow: Waflow, url: string, dataDir: string): string {
  const where = `database: ${waflow.database.describe}`;
  if (waflow.role === 'worker') return `waflow worker running (health and metrics on ${url}) — ${where}`;
  const adminToken = waflow.secrets.fromFile.includes('adminToken') ? `the adminToken in ${secretsFile(dataDir)}` : 'ADMIN_TOKEN';
  return (
    `waflow listening on ${url} — ${where}. ` +
    `Create a tenant: curl -X POST ${url}/api/v1/users -H "Authorization: Bearer <${adminToken}>" ` +
    `-H "Content-Type: application/json" -d '{"name":"Acme","metaPhoneNumberId":"<phone_number_id>","metaAccessToken":"<token>"}'`
  );
}

/** SIGINT/SIGTERM: stop accepting, finish in-flight work, exit 0 — or exit 1 past the deadline. */
function stopOnSignals(waflow: Waflow, deadlineMs: number): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    waflow.log.info({ signal, deadlineMs }, 'shutting down');
    setTimeout(() => {
      waflow.log.error({ deadlineMs }, 'shutdown deadline passed: exiting with work in flight');
      process.exit(1);
    }, deadlineMs).unref();
    waflow.close().then(
      () => process.exit(0),
      (error: unknown) => {
        waflow.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}
