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
  /**
   * Stops the demo (Ctrl-C). During the start, the start closes what it started and rejects
   * with the abort reason; afterwards, `finished` resolves.
   */
  signal?: AbortSignal;
}

export interface Demo {
  stop(): Promise<void>;
  /** Resolves when the input ends (Ctrl-D), `signal` aborts or `stop` was called. */
  finished: Promise<void>;
}

/** Starts everything; a start that fails or is interrupted leaves nothing running and no data folder. */
export async function startDemo(options: DemoOptions): Promise<Demo> {
  const write = (line: string) => options.output.write(`${line}\n`);
  const parts = startedParts(options.signal);
  try {
    const dataDir = parts.add(mkdtempSync(join(tmpdir(), 'waflow-demo-')), (dir) => {
      if (options.keepData) write(`data kept in ${dir}`);
      else rmSync(dir, { recursive: true, force: true });
    });
    const simulator = parts.add(
      await startSimulator({ appSecret: APP_SECRET, phoneNumbers: { [PHONE_NUMBER_ID]: { accessToken: ACCESS_TOKEN } } }),
      (started) => started.close(),
    );
    const waflow = parts.add(await startService(dataDir, simulator, options.port), (started) => started.close());
    const url = (await waflow.listen().catch(() => waflow.http.listen({ port: 0, host: '127.0.0.1' }))).replace('127.0.0.1', 'localhost');
    simulator.setWebhookUrl(`${url}/webhooks/whatsapp`);
    welcome(write, url, await setUpTenant(url, waflow.secrets.adminToken));
    const chat = parts.add(openChat(simulator, options.input, write), (opened) => opened.close());

    let stopping: Promise<void> | null = null;
    const stop = () => (stopping ??= parts.closeAll());
    return { stop, finished: Promise.race([chat.closed, aborted(options.signal)]) };
  } catch (error) {
    await parts.closeAll().catch(() => {}); // the start's own failure is the one to report
    throw error;
  }
}

/**
 * What the demo has started, closed in reverse order. The signal is checked after each part is
 * added, not during its start: a half-started part could not be closed.
 */
function startedParts(signal: AbortSignal | undefined) {
  const closers: Array<() => Promise<void> | void> = [];
  return {
    /** Remembers how to close `part`, then gives up if the start was interrupted meanwhile. */
    add<T>(part: T, close: (part: T) => Promise<void> | void): T {
      closers.unshift(() => close(part));
      signal?.throwIfAborted();
      return part;
    },
    /** Closes every part, also past a failure; rejects with the first failure. */
    async closeAll(): Promise<void> {
      const failures: unknown[] = [];
      for (const close of closers.splice(0)) {
        try {
          await close();
        } catch (error) {
          failures.push(error);
        }
      }
      if (failures.length > 0) throw failures[0];
    },
  };
}

function aborted(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) resolve();
    signal?.addEventListener('abort', () => resolve(), { once: true });
  });
}

function welcome(write: (line: string) => void, url: string, apiKey: string): void {
  write(`waflow demo — you are the WhatsApp user ${USER_PHONE}. Type a message and press Enter; pick a choice by its number.`);
  write(`Watch it live in the console: ${url}  (sign in with the API key ${apiKey})`);
  write('Ctrl-C quits.\n');
}

/** The terminal chat: typed lines reach waflow as the user's messages, the bot's are printed. */
function openChat(simulator: Simulator, input: Readable, write: (line: string) => void): { closed: Promise<void>; close(): void } {
  let choices: Choice[] = [];
  const unsubscribe = simulator.subscribe(chatView(write, (next) => (choices = next)));
  const lines = createInterface({ input });
  lines.on('line', (line) => {
    if (line.trim() === '') return;
    const choice = pickChoice(line, choices);
    const message = choice ? { type: choice.kind, id: choice.id, title: choice.title } : { type: 'text' as const, body: line };
    if (choice) write(`you › ${choice.title}`);
    simulator.userSends(PHONE_NUMBER_ID, USER_PHONE, message, { name: USER_NAME }).catch((error: unknown) => write(`(not delivered: ${String(error)})`));
  });
  return {
    closed: new Promise<void>((resolve) => lines.once('close', () => resolve())),
    close: () => {
      lines.close();
      unsubscribe();
    },
  };
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
      // Every message replaces the choices, also with none: after a question, a typed number is the answer.
      setChoices(rendered.choices);
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
