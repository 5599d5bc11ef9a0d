/**
 * The seed's library API, for code that shares this codebase: `executeFlow(session, text,
 * sendMessage, metadata)` runs one step of a session's flow and sends its messages through the
 * given function (`messageSender(credentials)` makes one from `sendMessage`); `FlowSendMessageError` carries an HTTP-like `status` (401 when Meta says the
 * token expired). The service itself does not use this path: its worker records every message
 * before sending and retries; this is the direct, synchronous equivalent.
 *
 * What needs the service is refused, never dropped: a step that reaches an httpRequest node or a
 * `goto` to another flow sends what came before it and then throws FlowUnsupportedEffectError
 * (the seed's caller marks the session Errored), instead of leaving the session waiting for a
 * result that never comes or reporting Completed without starting the other flow. A session in
 * `Handoff` (an operator holds the conversation) is returned as it is, nothing sent.
 */
import { GRAPH_DEFAULTS } from '../config/index.js';
import { toEngineState, toSessionState } from '../conversation/session-state.js';
import type { SessionState } from '../db/repositories/sessions.js';
import { step } from '../engine/step.js';
import type { Effect } from '../engine/types.js';
import { parseDefinition } from '../flows/definition.js';
import type { InboundSummary } from '../whatsapp/inbound.js';
import { GraphApiError, describeGraphError } from '../whatsapp/errors.js';
import { createGraphClient } from '../whatsapp/graph-client.js';
import type { OutboundMessage } from '../whatsapp/outbound.js';

/** The session as the seed loads it (Prisma `include: { flow, contact }`). */
export interface SeedSession {
  id: string;
  status: string;
  currentNodeId: string | null;
  context: unknown;
  flow: { definition: unknown; userId: string; name: string };
  contact: { phone: string; name?: string | null };
}

export interface SeedMetadata {
  type?: string;
  rawText?: string;
  interactive: { type: string; id?: string; title?: string } | null;
}

export type SendMessage = (to: string, message: OutboundMessage) => Promise<unknown>;

export class FlowSendMessageError extends Error {
  override name = 'FlowSendMessageError';
  constructor(
    message: string,
    /** HTTP-like status: 401 when the access token expired (Meta code 190). */
    readonly status: number,
    /** Meta's error code, when Meta gave one. */
    readonly code: number | null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A step needs what only the waflow service does: an HTTP request, or starting another flow. */
export class FlowUnsupportedEffectError extends Error {
  override name = 'FlowUnsupportedEffectError';
  constructor(
    message: string,
    /** The engine effect executeFlow cannot carry out. */
    readonly effect: 'http' | 'startFlow',
  ) {
    super(message);
  }
}

export interface ExecuteFlowOptions {
  now?: number;
  maxNodesPerStep?: number;
}

/** Runs one step and returns the session's new state; the caller saves it. */
export async function executeFlow(
  session: SeedSession,
  text: string | null,
  sendMessage: SendMessage,
  metadata: SeedMetadata,
  options: ExecuteFlowOptions = {},
): Promise<SessionState> {
  const state = toEngineState(session);
  // an operator holds the conversation: the bot neither answers nor starts over
  if (state.status === 'Handoff') return toSessionState(state);
  const parsed = parseDefinition(session.flow.definition);
  if (!parsed.ok) throw new Error(`flow "${session.flow.name}" is invalid: ${parsed.issues.map((i) => i.message).join('; ')}`);
  // the seed's metadata carries no wamid, so a `reaction` node has nothing to react to here
  const inbound = { message: summaryOf(text, metadata), wamid: null };
  // The seed keeps one Session per contact and flow and calls this again when the trigger matches:
  // a session that is not waiting (never started, Completed, Errored…) starts over.
  const waiting = state.currentNodeId !== null && (state.status === 'Active' || state.status === 'Paused');
  const result = step(parsed.definition, state, waiting ? { kind: 'message', ...inbound } : { kind: 'start', ...inbound }, {
    contact: { name: session.contact.name ?? null, phone: session.contact.phone },
    now: options.now ?? Date.now(),
    maxNodesPerStep: options.maxNodesPerStep ?? 100,
  });
  for (const effect of result.effects) await carryOut(effect, session, sendMessage);
  return toSessionState(result.state);
}

/** Sends a message; refuses what only the service can do. Effects come in order, so earlier messages are out. */
async function carryOut(effect: Effect, session: SeedSession, sendMessage: SendMessage): Promise<void> {
  const flow = `flow "${session.flow.name}"`;
  switch (effect.kind) {
    case 'send':
      try {
        await sendMessage(session.contact.phone, effect.message);
      } catch (error) {
        throw toFlowSendMessageError(error);
      }
      return;
    case 'http':
      throw new FlowUnsupportedEffectError(
        `${flow}: node "${effect.nodeId}" makes an HTTP request, which executeFlow cannot perform (httpRequest nodes run in the waflow service only)`,
        'http',
      );
    case 'startFlow':
      throw new FlowUnsupportedEffectError(
        `${flow}: it goes to flow "${effect.flowId}", which executeFlow cannot start (a goto to another flow runs in the waflow service only)`,
        'startFlow',
      );
  }
}

function summaryOf(text: string | null, metadata: SeedMetadata): InboundSummary {
  const interactive = metadata.interactive;
  const reply =
    interactive?.id !== undefined
      ? { kind: interactive.type === 'list_reply' ? ('list_reply' as const) : ('button_reply' as const), id: interactive.id, title: interactive.title ?? '' }
      : null;
  return { type: metadata.type ?? 'text', text: text ?? metadata.rawText ?? reply?.title ?? null, reply, replyTo: null };
}

function toFlowSendMessageError(error: unknown): FlowSendMessageError {
  if (error instanceof FlowSendMessageError) return error;
  if (error instanceof GraphApiError) {
    const status = error.code === 190 ? 401 : (error.httpStatus ?? 503);
    return new FlowSendMessageError(describeGraphError(error), status, error.code, { cause: error });
  }
  return new FlowSendMessageError(error instanceof Error ? error.message : String(error), 500, null, { cause: error });
}

export interface SendCredentials {
  phoneNumberId: string;
  accessToken: string;
  /** Defaults: GRAPH_DEFAULTS. */
  graphUrl?: string;
  apiVersion?: string;
  timeoutMs?: number;
}

/** `sendMessage` bound to one number's credentials: the `SendMessage` that `executeFlow` takes. */
export function messageSender(credentials: SendCredentials): SendMessage {
  return (to, message) => sendMessage(credentials, to, message);
}

/** Sends one message through the Graph API; throws GraphApiError (typed, with `retry`). */
export async function sendMessage(credentials: SendCredentials, to: string, message: OutboundMessage): Promise<{ wamid: string }> {
  const client = createGraphClient({
    baseUrl: credentials.graphUrl ?? GRAPH_DEFAULTS.baseUrl,
    apiVersion: credentials.apiVersion ?? GRAPH_DEFAULTS.apiVersion,
    timeoutMs: credentials.timeoutMs ?? GRAPH_DEFAULTS.timeoutMs,
  });
  return client.send(credentials.phoneNumberId, credentials.accessToken, to, message);
}
