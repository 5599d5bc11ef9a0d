/**
 * A first start with nothing configured but the app secret, as `npm start` on a fresh clone:
 * the admin token, verify token and encryption key are generated once into DATA_DIR/secrets.json
 * (mode 0600), the start-up log line says where the service listens, which database it uses and
 * how to create a tenant, and a restart reuses the same secrets (tokens sealed before it still
 * open after it).
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { echoFlow } from '../fixtures/flows.js';
import { ACCESS_TOKEN, APP_SECRET, PHONE_NUMBER_ID, adminClient, apiClient, eventually } from '../support/harness.js';
import { startServiceProcess } from '../support/process.js';

const GENERATED = ['ADMIN_TOKEN', 'WHATSAPP_VERIFY_TOKEN', 'ENCRYPTION_KEY'] as const;

let simulator: Simulator;
let dataDir: string;

beforeAll(async () => {
  simulator = await startSimulator({ appSecret: APP_SECRET, phoneNumbers: { [PHONE_NUMBER_ID]: { accessToken: ACCESS_TOKEN } } });
  dataDir = mkdtempSync(join(tmpdir(), 'waflow-first-start-'));
});
afterAll(async () => {
  await simulator.close();
  rmSync(dataDir, { recursive: true, force: true });
});

interface StoredSecrets {
  adminToken: string;
  verifyToken: string;
  encryptionKey: string;
}

/** The JSON log line whose message announces the service. */
function startupLine(output: string): { msg: string; url: string; database: string } {
  const line = output
    .split('\n')
    .filter((text) => text.startsWith('{'))
    .map((text) => JSON.parse(text) as { msg?: string; url: string; database: string })
    .find((entry) => entry.msg?.startsWith('waflow listening on'));
  if (!line?.msg) throw new Error(`no start-up line in:\n${output}`);
  return { msg: line.msg, url: line.url, database: line.database };
}

it('generates its secrets once, says how to begin, and keeps them across a restart', async () => {
  for (const name of GENERATED) expect(process.env[name], `${name} must not be set for this test`).toBeUndefined();
  const env = { DATA_DIR: dataDir, WHATSAPP_APP_SECRET: APP_SECRET, META_GRAPH_URL: simulator.url };
  const secretsPath = join(dataDir, 'secrets.json');

  const first = await startServiceProcess(['serve'], env);
  let secrets: StoredSecrets;
  try {
    simulator.setWebhookUrl(`${first.url}/webhooks/whatsapp`);
    const startup = await eventually(() => {
      try {
        return startupLine(first.output());
      } catch {
        return null;
      }
    });
    expect(startup.msg).toContain(`waflow listening on ${first.url} `);
    expect(startup.url).toBe(first.url);
    expect(startup.msg).toContain(`database: embedded PGlite in ${join(dataDir, 'pgdata')}`);
    expect(startup.msg).toContain(`Create a tenant: curl -X POST`);
    expect(startup.msg).toContain('/api/v1/users');
    expect(startup.msg).toContain(`the adminToken in ${secretsPath}`);

    expect(statSync(secretsPath).mode & 0o777).toBe(0o600);
    secrets = JSON.parse(readFileSync(secretsPath, 'utf8')) as StoredSecrets;
    expect(secrets.adminToken.length).toBeGreaterThanOrEqual(16);
    expect(secrets.verifyToken.length).toBeGreaterThanOrEqual(16);
    expect(secrets.encryptionKey).toMatch(/^[0-9a-f]{64}$/);
    for (const secret of Object.values(secrets)) expect(first.output()).not.toContain(secret);

    const challenge = await fetch(`${first.url}/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=42&hub.verify_token=${secrets.verifyToken}`);
    expect(await challenge.text()).toBe('42');

    // A newcomer's first steps, with the generated admin token.
    const api = apiClient(first.url);
    const created = await api<{ apiKey: string }>(
      'POST',
      '/api/v1/users',
      { name: 'Acme', metaPhoneNumberId: PHONE_NUMBER_ID, metaAccessToken: ACCESS_TOKEN },
      secrets.adminToken,
    );
    expect(created.status).toBe(201);
    const { apiKey } = created.body;
    await adminClient(api).createFlow(apiKey, { trigger: 'default', definition: echoFlow('hello {{input}}') });
    await simulator.userSends(PHONE_NUMBER_ID, '15559600001', { type: 'text', body: 'before' });
    await eventually(() => simulator.sent.some((message) => message.to === '15559600001'), 20_000);
  } finally {
    expect(await first.stop('SIGTERM')).toBe(0);
  }

  const second = await startServiceProcess(['serve'], env);
  try {
    simulator.setWebhookUrl(`${second.url}/webhooks/whatsapp`);
    expect(JSON.parse(readFileSync(secretsPath, 'utf8'))).toEqual(secrets);
    expect((await apiClient(second.url)('GET', '/api/v1/users', undefined, secrets.adminToken)).status).toBe(200);
    // The access token sealed by the first process is opened by the second: same key.
    await simulator.userSends(PHONE_NUMBER_ID, '15559600002', { type: 'text', body: 'after' });
    const reply = await eventually(() => simulator.sent.find((message) => message.to === '15559600002'), 20_000);
    expect(reply.body.text).toEqual({ body: 'hello after' });
  } finally {
    expect(await second.stop('SIGTERM')).toBe(0);
  }
}, 120_000);
