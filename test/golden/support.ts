/**
 * Golden conversations: a flow, a script of user messages (with waits), and the exact Cloud API
 * requests the simulator must receive, run through the real service (webhook → inbox → worker →
 * engine → outbox → Graph API) and its embedded database.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { isDeepStrictEqual } from 'node:util';
import { sql } from 'drizzle-orm';
import type { ExpectStatic } from 'vitest';
import type { SessionStatus } from '../../src/engine/types.js';
import type { UserMessage } from '../../src/simulator/index.js';
import type { OutboundMessage } from '../../src/whatsapp/outbound.js';
import { PHONE_NUMBER_ID, eventually, queryCount, queryRows, startHarness, type Harness } from '../support/harness.js';

export interface RawNode {
  id: string;
  type: string;
  data: Record<string, unknown>;
}

export interface RawEdge {
  id: string;
  source: string;
  target: string;
  sourceHandle?: string;
}

export interface Definition {
  nodes: RawNode[];
  edges: RawEdge[];
  settings?: Record<string, unknown>;
}

export const node = (id: string, type: string, data: Record<string, unknown> = {}): RawNode => ({ id, type, data });

/** A definition from nodes and `[source, target, handle?]` edges (no handle: `next`). */
export function flow(nodes: RawNode[], edges: [string, string, string?][], settings?: Record<string, unknown>): Definition {
  return {
    nodes,
    edges: edges.map(([source, target, sourceHandle]) => ({
      id: `${source}-${sourceHandle ?? 'next'}-${target}`,
      source,
      target,
      ...(sourceHandle === undefined ? {} : { sourceHandle }),
    })),
    ...(settings === undefined ? {} : { settings }),
  };
}

export const says = (body: string): UserMessage => ({ type: 'text', body });
export const taps = (id: string, title: string): UserMessage => ({ type: 'button_reply', id, title });
export const picks = (id: string, title: string): UserMessage => ({ type: 'list_reply', id, title });
export const shares = (latitude: number, longitude: number, name?: string): UserMessage => ({
  type: 'location',
  latitude,
  longitude,
  ...(name === undefined ? {} : { name }),
});

export const text = (body: string): OutboundMessage => ({ type: 'text', text: { body } });

/** The default closing texts of a wait left unwired (settings.endTexts). */
export const CLOSING = {
  invalid: "Sorry, I couldn't understand your answer, so I'll stop here. Send a message anytime to start again.",
  timeout: "I haven't heard back, so I'm closing this conversation. Send a message anytime to start again.",
} as const;

/** The request body the Graph client sends for `content` to `phone`. */
export function envelope(phone: string, content: OutboundMessage): Record<string, unknown> {
  return { messaging_product: 'whatsapp', recipient_type: 'individual', to: phone, ...content };
}

export interface CaseContext {
  /** Base URL of the local JSON API (see `startLocalApi`). */
  apiUrl: string;
  /** Ids of the case's other flows, by their key in `otherFlows`. */
  flowIds: Readonly<Record<string, string>>;
}

export interface ScriptStep {
  send?: UserMessage;
  /** The step lasts at least this long from its start (to let a timer fire, or prove it does not). */
  waitMs?: number;
  /**
   * Every message the bot sends during the step, in order (content; the runner adds the envelope).
   * A function gets the wamid of the step's `send`, for what names it (a reaction).
   */
  expect: OutboundMessage[] | ((wamid: string) => OutboundMessage[]);
}

export interface SessionExpectation {
  /** `main`, or a key of `otherFlows`. */
  flow?: string;
  status: SessionStatus;
  node: string | null;
  /** All of the session's variables (none when left out). */
  variables?: Record<string, string>;
  /** A part of the error reason; an Errored session needs one. */
  error?: string;
}

export interface GoldenCase {
  name: string;
  /** The first message of the script must start this flow: its trigger is unique among the cases. */
  trigger: string;
  /** The contact's phone, when the expected payloads show it (otherwise one is given); unique among the cases. */
  phone?: string;
  flow: Definition | ((context: CaseContext) => Definition);
  /** Flows the main one starts (goto flow), created before it. */
  otherFlows?: Record<string, { trigger: string; definition: Definition }>;
  script: ScriptStep[];
  /** Every session of the contact (one per flow): the main flow's first, then `otherFlows` in order. */
  finalSessions: SessionExpectation[];
}

export const MAIN_FLOW = 'main';

/**
 * Cases that share a flow and its opening: each says its trigger, gets `opening` back, then
 * plays its own steps.
 */
export function sharedOpening(definition: Definition, opening: OutboundMessage[]) {
  return (name: string, trigger: string, steps: ScriptStep[], finalSessions: SessionExpectation[]): GoldenCase => ({
    name,
    trigger,
    flow: definition,
    script: [{ send: says(trigger), expect: opening }, ...steps],
    finalSessions,
  });
}

export interface World {
  h: Harness;
  userId: string;
  apiKey: string;
  apiUrl: string;
  close(): Promise<void>;
}

/** Fast timers, private addresses allowed (the local API), no per-recipient throttling. */
export const WORLD_ENV: Readonly<Record<string, string>> = {
  TIMER_POLL_MS: '100',
  FLOW_HTTP_ALLOW_PRIVATE: 'true',
  SEND_PAIR_BURST: '1000',
};

export async function startWorld(env: Record<string, string> = {}): Promise<World> {
  const [h, api] = await Promise.all([startHarness({ env: { ...WORLD_ENV, ...env } }), startLocalApi()]);
  const { id: userId, apiKey } = await h.createUser();
  return {
    h,
    userId,
    apiKey,
    apiUrl: api.url,
    async close() {
      await h.close();
      await new Promise<void>((resolve) => api.server.close(() => resolve()));
    },
  };
}

/**
 * A JSON API on 127.0.0.1:
 * - `GET /accounts/:id` → 200 `{ account: { id, plan: "gold" } }`
 * - `GET /orders/:id` → 200 `{ order: { id, status: "out for delivery" } }`, or 404 for "9999"
 * - `POST /echo` → 200 `{ method, headers: { "x-api-key" }, body }` (the JSON it received)
 * - `GET /status/:code` → that status with `{ error: "status <code>" }`
 */
export async function startLocalApi(): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    void answer(request)
      .catch(() => ({ status: 400, body: { error: 'bad request' } }))
      .then(({ status, body }) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server };
}

async function answer(request: IncomingMessage): Promise<{ status: number; body: unknown }> {
  const [, resource = '', id = ''] = (request.url ?? '').split('/').map(decodeURIComponent);
  let raw = '';
  for await (const chunk of request) raw += String(chunk);
  switch (resource) {
    case 'accounts':
      return { status: 200, body: { account: { id, plan: 'gold' } } };
    case 'orders':
      return id === '9999' ? { status: 404, body: { error: 'no such order' } } : { status: 200, body: { order: { id, status: 'out for delivery' } } };
    case 'echo': {
      const headers = { 'x-api-key': request.headers['x-api-key'] ?? null };
      return { status: 200, body: { method: request.method, headers, body: raw === '' ? null : JSON.parse(raw) } };
    }
    case 'status':
      return { status: Number(id), body: { error: `status ${id}` } };
    default:
      return { status: 404, body: { error: 'not found' } };
  }
}

export async function createFlow(world: World, trigger: string, definition: Definition): Promise<string> {
  return (await world.h.createFlow(world.apiKey, { name: trigger, trigger, definition })).id;
}

/** Saves a new definition of an Active flow through the API; resolves with the new version. */
export async function saveFlow(world: World, flowId: string, definition: Definition): Promise<number> {
  const saved = await world.h.api<{ version: number }>('PUT', `/api/v1/flows/${flowId}`, { definition }, world.apiKey);
  if (saved.status !== 200) throw new Error(`PUT /flows/${flowId}: ${saved.status} ${JSON.stringify(saved.body)}`);
  return saved.body.version;
}

export interface SessionView {
  flowId: string;
  status: SessionStatus;
  currentNodeId: string | null;
  flowVersion: number | null;
  context: { variables?: Record<string, string>; error?: string | null } | null;
}

export interface Chat {
  phone: string;
  /** Sends a message as the user and waits until the worker has handled it; resolves with its wamid. */
  send(message: UserMessage): Promise<string>;
  /** Request bodies the simulator received for this contact so far. */
  received(): Record<string, unknown>[];
  /** Waits for `count` messages after the first `from`, with nothing left to send; returns all after `from`. */
  repliesAfter(from: number, count: number): Promise<Record<string, unknown>[]>;
  /** The contact's sessions through the admin API. */
  sessions(): Promise<SessionView[]>;
}

export function chatWith(world: World, phone: string): Chat {
  const { h } = world;
  const contactId = async () => {
    const [row] = await queryRows<{ id: string }>(h, sql`select id from "Contact" where phone = ${phone} and "userId" = ${world.userId}`);
    if (!row) throw new Error(`no contact ${phone} yet`);
    return row.id;
  };
  const received = () => h.simulator.sent.filter((sent) => sent.to === phone).map((sent) => ({ ...sent.body }));

  return {
    phone,
    received,
    async send(message) {
      const { wamid } = await h.simulator.userSends(PHONE_NUMBER_ID, phone, message, { name: 'Ana' });
      await eventually(async () => {
        const [event] = await queryRows<{ state: string }>(h, sql`select state from inbound_events where wamid = ${wamid} and kind = 'message'`);
        return event !== undefined && event.state !== 'pending';
      });
      return wamid;
    },
    async repliesAfter(from, count) {
      const id = await contactId();
      const queued = () => queryCount(h, sql`select count(*) as n from outbox where contact_id = ${id}`);
      const settled = async () => received().length >= from + count && (await queued()) === 0;
      // on a timeout the caller's comparison shows what did arrive
      await eventually(settled).catch(() => undefined);
      return received().slice(from);
    },
    async sessions() {
      const id = await contactId();
      const { status, body } = await h.api<{ sessions: SessionView[] }>('GET', `/api/v1/sessions?contactId=${id}`, undefined, world.apiKey);
      if (status !== 200) throw new Error(`GET /sessions: ${status}`);
      return body.sessions;
    },
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Plays the steps as the chat's contact, checking each step's replies exactly; resolves with how many there were. */
export async function playScript(chat: Chat, script: readonly ScriptStep[], expect: ExpectStatic, label: string): Promise<number> {
  let total = 0;
  for (const [i, step] of script.entries()) {
    const where = `step ${i + 1} of "${label}"`;
    const startedAt = Date.now();
    const before = chat.received().length;
    const wamid = step.send ? await chat.send(step.send) : null;
    if (step.waitMs !== undefined) await sleep(startedAt + step.waitMs - Date.now());
    const wanted = expected(step, wamid, where);
    const replies = await chat.repliesAfter(before, wanted.length);
    expect(replies, where).toEqual(wanted.map((content) => envelope(chat.phone, content)));
    total += wanted.length;
  }
  return total;
}

function expected(step: ScriptStep, wamid: string | null, where: string): OutboundMessage[] {
  if (typeof step.expect !== 'function') return step.expect;
  if (wamid === null) throw new Error(`${where} expects replies naming the wamid of a message, but sends none`);
  return step.expect(wamid);
}

/** Creates the case's flows, plays its script as `phone` and checks every reply and the sessions. */
export async function playCase(world: World, golden: GoldenCase, phone: string, expect: ExpectStatic): Promise<void> {
  const flowIds: Record<string, string> = {};
  for (const [key, other] of Object.entries(golden.otherFlows ?? {})) flowIds[key] = await createFlow(world, other.trigger, other.definition);
  const definition = typeof golden.flow === 'function' ? golden.flow({ apiUrl: world.apiUrl, flowIds }) : golden.flow;
  flowIds[MAIN_FLOW] = await createFlow(world, golden.trigger, definition);

  const chat = chatWith(world, phone);
  const sent = await playScript(chat, golden.script, expect, golden.name);

  const order = [MAIN_FLOW, ...Object.keys(golden.otherFlows ?? {})];
  const keyOf = new Map(Object.entries(flowIds).map(([key, id]) => [id, key]));
  const view = async () =>
    (await chat.sessions())
      .map((session) => ({
        flow: keyOf.get(session.flowId) ?? session.flowId,
        status: session.status,
        node: session.currentNodeId,
        variables: session.context?.variables ?? {},
        error: session.context?.error ?? null,
      }))
      .sort((a, b) => order.indexOf(a.flow) - order.indexOf(b.flow));
  const wanted = golden.finalSessions.map(({ flow: key = MAIN_FLOW, variables = {}, error, ...rest }) => ({
    flow: key,
    ...rest,
    variables,
    error: error === undefined ? null : expect.stringContaining(error),
  }));
  // a change that sends nothing (an HTTP result that errors the session…) may still be on its way
  const sessions = await eventually(async () => {
    const current = await view();
    return matches(current, golden.finalSessions) ? current : null;
  }, 5_000).catch(view);
  expect(sessions, `sessions of "${golden.name}"`).toEqual(wanted);
  expect(chat.received(), `nothing sent after the script of "${golden.name}"`).toHaveLength(sent);
}

function matches(actual: { status: string; node: string | null }[], wanted: SessionExpectation[]): boolean {
  return isDeepStrictEqual(
    actual.map(({ status, node }) => ({ status, node })),
    wanted.map(({ status, node }) => ({ status, node })),
  );
}
