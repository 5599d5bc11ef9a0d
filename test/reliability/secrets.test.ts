/**
 * Credentials never leak. The service runs as a real child process at LOG_LEVEL=trace while a
 * tenant is created, its flows run (one sends a tenant secret in an HTTP header), webhooks arrive
 * signed with the global and the tenant's secret, its token expires mid-conversation and is
 * replaced, and consoles connect. Then every credential is looked for in the process's whole log
 * output, every row of every table, every byte of the data folder, every API response and every
 * socket event: none may appear (the API key only in the answer that creates it, the socket
 * token only in the answer that mints it).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { signatureHeader } from '../../src/whatsapp/signature.js';
import { menuFlow } from '../fixtures/flows.js';
import { PHONE_NUMBER_ID, eventually } from '../support/harness.js';
import { startServiceProcess, type ServiceProcess } from '../support/process.js';
import { connectClient, type TestClient } from '../realtime/clients.js';
import { printFigures } from './support/figures.js';
import { startLocalServer, type LocalServer } from './support/local-server.js';
import { envelope, validTextEntry, freshWamid } from './support/payloads.js';
import { freshDataDir } from '../support/data-dir.js';

const SECRETS = {
  adminToken: `admin-${randomBytes(12).toString('hex')}`,
  encryptionKey: randomBytes(32).toString('hex'),
  globalAppSecret: `global-app-secret-${randomBytes(8).toString('hex')}`,
  verifyToken: `verify-${randomBytes(8).toString('hex')}`,
  accessToken: `EAAG-first-${randomBytes(12).toString('hex')}`,
  rotatedToken: `EAAG-rotated-${randomBytes(12).toString('hex')}`,
  tenantAppSecret: `tenant-app-secret-${randomBytes(8).toString('hex')}`,
  flowSecret: `flow-secret-${randomBytes(12).toString('hex')}`,
};
const ALLOWED_HOST = '127.0.0.3';

let simulator: Simulator;
let service: ServiceProcess;
let apiServer: LocalServer;
let dataDir: string;
let apiKey = '';
let socketToken = '';
/** Every API answer, except the one that creates the key and the one that mints the socket token. */
const responses: string[] = [];
const clients: TestClient[] = [];
let headerSeenByApi = '';

async function api(method: string, path: string, body?: unknown, token: string = apiKey): Promise<{ status: number; text: string }> {
  const response = await fetch(`${service.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

async function recorded(method: string, path: string, body?: unknown, token?: string) {
  const answer = await api(method, path, body, token);
  responses.push(answer.text);
  return answer;
}

const callFlow = {
  nodes: [
    { id: 'start', type: 'start', data: {} },
    { id: 'call', type: 'httpRequest', data: { method: 'GET', url: '', headers: { authorization: 'Bearer {{secrets.API_TOKEN}}' } } },
    { id: 'done', type: 'end', data: { text: 'called' } },
    { id: 'failed', type: 'end', data: { text: 'call failed' } },
  ],
  edges: [
    { id: 'a', source: 'start', target: 'call' },
    { id: 'b', source: 'call', target: 'done', sourceHandle: 'success' },
    { id: 'c', source: 'call', target: 'failed', sourceHandle: 'error' },
  ],
};

const sentTo = (phone: string) => simulator.sent.filter((message) => message.to === phone).map((message) => (message.body.text as { body?: string } | undefined)?.body);

beforeAll(async () => {
  apiServer = (await startLocalServer(ALLOWED_HOST, (request, response) => {
    headerSeenByApi = request.headers.authorization ?? '';
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  }))!;
  simulator = await startSimulator({ appSecret: SECRETS.globalAppSecret, phoneNumbers: { [PHONE_NUMBER_ID]: { accessToken: SECRETS.accessToken } } });
  dataDir = freshDataDir('secrets');
  service = await startServiceProcess(['serve'], {
    DATA_DIR: dataDir,
    LOG_LEVEL: 'trace',
    ADMIN_TOKEN: SECRETS.adminToken,
    ENCRYPTION_KEY: SECRETS.encryptionKey,
    WHATSAPP_APP_SECRET: SECRETS.globalAppSecret,
    WHATSAPP_VERIFY_TOKEN: SECRETS.verifyToken,
    META_GRAPH_URL: simulator.url,
    SEND_RETRY_BASE_MS: '20',
    FLOW_HTTP_ALLOWED_NETWORKS: `${ALLOWED_HOST}/32`,
  });
  simulator.setWebhookUrl(`${service.url}/webhooks/whatsapp`);
}, 60_000);
afterAll(async () => {
  for (const client of clients) client.close();
  await service.stop('SIGKILL');
  await simulator.close();
  await apiServer.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('credentials never leak', () => {
  it('runs a tenant through everything that handles a credential', async () => {
    const created = await api('POST', '/api/v1/users', { name: 'Tenant', metaPhoneNumberId: PHONE_NUMBER_ID, metaAccessToken: SECRETS.accessToken, appSecret: SECRETS.tenantAppSecret }, SECRETS.adminToken);
    expect(created.status).toBe(201);
    apiKey = (JSON.parse(created.text) as { apiKey: string }).apiKey;
    for (const secret of [SECRETS.accessToken, SECRETS.tenantAppSecret]) expect(created.text).not.toContain(secret);

    expect((await recorded('PUT', '/api/v1/secrets/API_TOKEN', { value: SECRETS.flowSecret })).status).toBe(204);
    const withUrl = structuredClone(callFlow);
    withUrl.nodes[1]!.data.url = `${apiServer.url}/`;
    expect((await recorded('POST', '/api/v1/flows', { name: 'Menu', trigger: 'menu', status: 'Active', definition: menuFlow })).status).toBe(201);
    expect((await recorded('POST', '/api/v1/flows', { name: 'Call', trigger: 'call', status: 'Active', definition: withUrl })).status).toBe(201);

    const minted = await api('POST', '/api/v1/socket-tokens');
    socketToken = (JSON.parse(minted.text) as { token: string }).token;
    for (const token of [apiKey, socketToken]) clients.push(await connectClient(service.url, { token }));

    // Conversations: webhooks signed with the global secret, then one with the tenant's own.
    await simulator.userSends(PHONE_NUMBER_ID, '15551110001', { type: 'text', body: 'menu' });
    await simulator.userSends(PHONE_NUMBER_ID, '15551110002', { type: 'text', body: 'call' });
    await eventually(() => sentTo('15551110002').includes('called'), 20_000);
    expect(headerSeenByApi).toBe(`Bearer ${SECRETS.flowSecret}`);
    const raw = Buffer.from(JSON.stringify(envelope(validTextEntry('15551110003', freshWamid('tenant-signed'), 'menu'))));
    const tenantSigned = await fetch(`${service.url}/webhooks/whatsapp`, { method: 'POST', headers: { 'x-hub-signature-256': signatureHeader(SECRETS.tenantAppSecret, raw) }, body: raw });
    expect(tenantSigned.status).toBe(200);
    await simulator.postWebhook(envelope(), { signature: 'sha256=0000' });
    await fetch(`${service.url}/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=1&hub.verify_token=wrong`);

    // The token expires mid-conversation, then is replaced.
    simulator.addPhoneNumber(PHONE_NUMBER_ID, { accessToken: SECRETS.rotatedToken });
    await simulator.userSends(PHONE_NUMBER_ID, '15551110001', { type: 'button_reply', id: 'support', title: 'Support' });
    await eventually(async () => (JSON.parse((await api('GET', '/api/v1/me')).text) as { tokenExpired: boolean }).tokenExpired, 20_000);
    expect((await recorded('PATCH', '/api/v1/me', { metaAccessToken: SECRETS.rotatedToken, appSecret: SECRETS.tenantAppSecret })).status).toBe(200);
    await eventually(() => sentTo('15551110001').length >= 3, 20_000);

    // Sends that fail: one retried, one for good (both are logged with Meta's error).
    simulator.setFaults({ failNext: { count: 1, failure: { kind: 'graph', code: 2, httpStatus: 500 } } });
    await simulator.userSends(PHONE_NUMBER_ID, '15551110004', { type: 'text', body: 'menu' });
    await eventually(() => sentTo('15551110004').length >= 2, 20_000);
    simulator.setFaults({ failNext: { count: 1, failure: { kind: 'graph', code: 131026 } } });
    await simulator.userSends(PHONE_NUMBER_ID, '15551110005', { type: 'text', body: 'menu' });
    await eventually(() => service.output().includes('message failed'), 20_000);
    simulator.setFaults({});

    // Wrong credentials, and everything there is to read.
    await recorded('GET', '/api/v1/me', undefined, 'wfk_wrong');
    await recorded('GET', '/api/v1/users', undefined, apiKey);
    await recorded('GET', '/api/v1/users', undefined, SECRETS.adminToken);
    await recorded('PATCH', `/api/v1/users/${(JSON.parse(created.text) as { id: string }).id}`, { metaAccessToken: SECRETS.rotatedToken }, SECRETS.adminToken);
    for (const path of ['/api/v1/me', '/api/v1/flows', '/api/v1/secrets', '/api/v1/contacts', '/api/v1/conversations', '/api/v1/sessions']) {
      expect((await recorded('GET', path)).status, path).toBe(200);
    }
    const contacts = JSON.parse((await recorded('GET', '/api/v1/contacts')).text) as { contacts: Array<{ id: string }> };
    for (const { id } of contacts.contacts) await recorded('GET', `/api/v1/contacts/${id}/messages`);
    await recorded('GET', '/metrics');
    expect(await service.stop('SIGTERM')).toBe(0);
  }, 120_000);

  it('appear nowhere: logs, database rows, data files, API answers, socket events', async () => {
    const database = await openDatabase({ kind: 'embedded', dataDir });
    let rows: string[];
    try {
      const tables = (await database.db.execute(sql`select table_name as name from information_schema.tables where table_schema = 'public'`)) as unknown as { rows: Array<{ name: string }> };
      rows = [];
      for (const { name } of tables.rows) {
        const result = (await database.db.execute(sql`select t::text as row from ${sql.identifier(name)} t`)) as unknown as { rows: Array<{ row: string }> };
        rows.push(...result.rows.map((row) => row.row));
      }
    } finally {
      await database.close();
    }
    const files = listFiles(dataDir).filter((path) => !path.endsWith('secrets.json'));
    const sinks: Record<string, (secret: string) => boolean> = {
      logs: (secret) => service.output().includes(secret),
      'database rows': (secret) => rows.some((row) => row.includes(secret)),
      'data files': (secret) => files.some((path) => readFileSync(path).includes(secret)),
      'API answers': (secret) => responses.some((text) => text.includes(secret)),
      'socket events': (secret) => clients.some((client) => JSON.stringify(client.received).includes(secret)),
    };
    const credentials = { ...SECRETS, apiKey, socketToken };
    const leaks = Object.entries(sinks).flatMap(([sink, holds]) => Object.entries(credentials).filter(([, secret]) => holds(secret)).map(([name]) => `${name} in ${sink}`));
    // The paths that handle credentials were taken, and logged.
    expect(service.output()).toContain('access token expired or invalid');
    expect(service.output()).toContain('send failed: retrying');
    expect(service.output()).toContain('message failed');
    expect(rows.length).toBeGreaterThan(20);
    expect(leaks).toEqual([]);
    printFigures('secrets', {
      credentials: Object.keys(credentials).length,
      sinks: Object.keys(sinks).length,
      logBytes: service.output().length,
      databaseRows: rows.length,
      dataFiles: files.length,
      apiAnswers: responses.length,
      socketEvents: clients.reduce((sum, client) => sum + client.received.length, 0),
      leaks: leaks.length,
    });
  }, 60_000);
});

function listFiles(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}
