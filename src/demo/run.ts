/**
 * `waflow demo`: waflow on a throw-away embedded database, the Cloud API simulator, a demo
 * tenant and flow, and a terminal chat in which the person is the WhatsApp user. The console
 * URL and API key are printed so the same conversation can be watched live in a browser.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { createWaflow, type Waflow } from '../app.js';
import { loadConfig } from '../config/index.js';
import { startSimulator, type Simulator, type SimulatorEvent } from '../simulator/index.js';
import { DEMO_FLOW } from './flow.js';
import { pickChoice, renderBotMessage, type Choice } from './render.js';

const APP_SECRET = 'waflow-demo-app-secret';
const PHONE_NUMBER_ID = '100000000000001';
const ACCESS_TOKEN = 'EAAG-waflow-demo';
const USER_PHONE = '15550001234';
const USER_NAME = 'You';

export interface DemoOptions {
  port: number;
  input: Readable;
  output: Writable;
  /** Keep the demo's data folder instead of deleting it on exit. */
  keepData: boolean;
}

export interface Demo {
  stop(): Promise<void>;
  /** Resolves when the input ends (Ctrl-D) or `stop` was called. */
  finished: Promise<void>;
}

export async function startDemo(options: DemoOptions): Promise<Demo> {
  const dataDir = mkdtempSync(join(tmpdir(), 'waflow-demo-'));
  const simulator = await startSimulator({ appSecret: APP_SECRET, phoneNumbers: { [PHONE_NUMBER_ID]: { accessToken: ACCESS_TOKEN } } });
  const waflow = await startService(dataDir, simulator, options.port);
  const url = (await waflow.listen().catch(() => waflow.http.listen({ port: 0, host: '127.0.0.1' }))).replace('127.0.0.1', 'localhost');
  simulator.setWebhookUrl(`${url}/webhooks/whatsapp`);
  const apiKey = await setUpTenant(url, waflow.secrets.adminToken);

  const write = (line: string) => options.output.write(`${line}\n`);
  write(`waflow demo — you are the WhatsApp user ${USER_PHONE}. Type a message and press Enter; pick a choice by its number.`);
  write(`Watch it live in the console: ${url}  (sign in with the API key ${apiKey})`);
  write('Ctrl-C quits.\n');

  let choices: Choice[] = [];
  const unsubscribe = simulator.subscribe(chatView(write, (next) => (choices = next)));
  const lines = createInterface({ input: options.input });
  lines.on('line', (line) => {
    if (line.trim() === '') return;
    const choice = pickChoice(line, choices);
    const message = choice ? { type: choice.kind, id: choice.id, title: choice.title } : { type: 'text' as const, body: line };
    if (choice) write(`you › ${choice.title}`);
    simulator.userSends(PHONE_NUMBER_ID, USER_PHONE, message, { name: USER_NAME }).catch((error: unknown) => write(`(not delivered: ${String(error)})`));
  });

  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      lines.close();
      unsubscribe();
      await waflow.close();
      await simulator.close();
      if (options.keepData) write(`data kept in ${dataDir}`);
      else rmSync(dataDir, { recursive: true, force: true });
    })());
  const finished = new Promise<void>((resolve) => lines.once('close', () => resolve()));
  return { stop, finished };
}

async function startService(dataDir: string, simulator: Simulator, port: number): Promise<Waflow> {
  const config = loadConfig({
    ...process.env,
    DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    WHATSAPP_APP_SECRET: APP_SECRET,
    META_GRAPH_URL: simulator.url,
    LOG_LEVEL: process.env.DEMO_LOG_LEVEL ?? 'error',
    TIMER_POLL_MS: '250',
    DATABASE_URL: undefined,
    REDIS_URL: undefined,
  });
  return createWaflow(config);
}

async function setUpTenant(url: string, adminToken: string): Promise<string> {
  const post = async (path: string, token: string, body: object) => {
    const response = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`demo setup: ${path} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as { apiKey?: string };
  };
  const { apiKey } = await post('/api/v1/users', adminToken, { name: 'Demo', metaPhoneNumberId: PHONE_NUMBER_ID, metaAccessToken: ACCESS_TOKEN });
  await post('/api/v1/flows', apiKey!, { ...DEMO_FLOW, status: 'Active' });
  return apiKey!;
}

/** Prints what the bot sends, and a tick line once everything it sent was read. */
function chatView(write: (line: string) => void, setChoices: (choices: Choice[]) => void): (event: SimulatorEvent) => void {
  const unread = new Set<string>();
  return (event) => {
    if (event.kind === 'sent' && event.message.to === USER_PHONE) {
      const rendered = renderBotMessage(event.message.body);
      const [first = '', ...rest] = rendered.lines;
      write(`bot › ${first}`);
      for (const line of rest) write(`      ${line}`);
      if (rendered.choices.length > 0) setChoices(rendered.choices);
      unread.add(event.message.wamid);
    }
    if (event.kind === 'webhook' && event.delivery.kind === 'status' && event.delivery.status === 200) {
      for (const status of readStatuses(event.delivery.body)) {
        if (unread.delete(status) && unread.size === 0) write('      ✓✓ read');
      }
    }
  };
}

function readStatuses(body: string): string[] {
  const parsed = JSON.parse(body) as { entry?: Array<{ changes?: Array<{ value?: { statuses?: Array<{ id: string; status: string }> } }> }> };
  return (parsed.entry ?? []).flatMap((entry) =>
    (entry.changes ?? []).flatMap((change) => (change.value?.statuses ?? []).filter((s) => s.status === 'read').map((s) => s.id)),
  );
}
