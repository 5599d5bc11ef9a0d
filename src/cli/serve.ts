import { parseArgs } from 'node:util';
import { createWaflow } from '../app.js';
import { loadConfig } from '../config/index.js';
import { secretsFile } from '../config/secrets.js';

/** Runs until SIGINT/SIGTERM, then stops accepting, finishes in-flight work and exits. */
export async function serveCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { 'no-worker': { type: 'boolean', default: false } } });
  const config = loadConfig();
  const waflow = await createWaflow(config, { worker: !values['no-worker'] });
  const url = await waflow.listen();
  const local = url.replace('0.0.0.0', 'localhost').replace('[::]', 'localhost');
  const adminTokenFrom = waflow.secrets.fromFile.includes('adminToken')
    ? `the adminToken in ${secretsFile(config.dataDir)}`
    : 'ADMIN_TOKEN';
  waflow.log.info(
    { url: local, database: waflow.database.describe, worker: !values['no-worker'] },
    `waflow listening on ${local} — database: ${waflow.database.describe}. ` +
      `Create a tenant: curl -X POST ${local}/api/v1/users -H "Authorization: Bearer <${adminTokenFrom}>" ` +
      `-H "Content-Type: application/json" -d '{"name":"Acme","metaPhoneNumberId":"<phone_number_id>","metaAccessToken":"<token>"}'`,
  );
  if (!config.appSecret) {
    waflow.log.warn('WHATSAPP_APP_SECRET is not set: webhooks are refused unless the user has its own appSecret');
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    waflow.log.info({ signal }, 'shutting down');
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
