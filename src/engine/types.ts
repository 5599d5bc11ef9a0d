/**
 * The engine's contract. The engine is pure: `step(definition, state, input, context)` returns
 * the new state and the effects the caller must carry out. It never does I/O and never throws
 * for anything a flow author or a user can cause; such problems end the session as Errored
 * with a reason.
 */
import type { InboundSummary } from '../whatsapp/inbound.js';
import type { OutboundMessage } from '../whatsapp/outbound.js';

/** Session statuses, as stored in `Session.status` (the seed's four plus ours). */
export const SESSION_STATUSES = ['Active', 'Paused', 'Completed', 'Errored', 'Expired', 'Handoff'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

/** Statuses in which a session still owns the conversation. */
export const LIVE_SESSION_STATUSES = ['Active', 'Paused', 'Handoff'] as const satisfies readonly SessionStatus[];

export type Variables = Record<string, string>;

export interface EngineState {
  status: SessionStatus;
  /** The node the session stands on: the waiting node while Paused, null before the start. */
  currentNodeId: string | null;
  variables: Variables;
  /** Unexpected replies already received at the current waiting node. */
  attempts: number;
  /** When the pending wait times out or the pending delay ends (epoch ms); null if none. */
  timerAt: number | null;
  /** Why the session ended Errored, for operators. */
  error: string | null;
  /**
   * Text of the user's latest message that had text: what `{{input}}` renders, also in steps a
   * timer or an HTTP result starts. Absent in states stored before it existed; read as null.
   */
  lastInput?: string | null;
}

export type EngineInput =
  /**
   * A session starts (or restarts) at the start node; `message` is what triggered it, if anything.
   * The state's variables are kept (pass `initialState()` for a clean start); everything else resets.
   * `wamid` is the message's id (what a `reaction` node reacts to); null without a message.
   */
  | { kind: 'start'; message: InboundSummary | null; wamid: string | null }
  /** A message from the user while the session is live. */
  | { kind: 'message'; message: InboundSummary; wamid: string | null }
  /** A stored timer fired; ignored unless `dueAt` equals the state's `timerAt`. */
  | { kind: 'timer'; dueAt: number }
  /**
   * Result of an `http` effect the caller carried out. `waitUntil` is the state's `timerAt` when
   * the request was made: a result for an earlier request of the same node (the flow restarted
   * and asked again meanwhile) is ignored. Null when not known (results stored before it was).
   */
  | { kind: 'httpResult'; nodeId: string; result: HttpResult; waitUntil: number | null };

export interface StepContext {
  contact: { name: string | null; phone: string };
  /** Epoch ms; the engine never reads the clock itself. */
  now: number;
  /** Loop guard: at most this many nodes run in one step without a wait. */
  maxNodesPerStep: number;
}

export interface HttpRequestSpec {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  body: string | null;
  timeoutMs: number;
}

export type HttpResult =
  | { ok: true; status: number; body: unknown }
  | { ok: false; status: number | null; error: string };

export type Effect =
  /** Send this message to the contact, after the previous ones. */
  | { kind: 'send'; message: OutboundMessage }
  /** Perform this request and feed the result back as an `httpResult` input. */
  | { kind: 'http'; nodeId: string; request: HttpRequestSpec }
  /** End this session and start another flow for the same contact. */
  | { kind: 'startFlow'; flowId: string };

export interface StepResult {
  state: EngineState;
  effects: Effect[];
}

export function initialState(): EngineState {
  return { status: 'Active', currentNodeId: null, variables: {}, attempts: 0, timerAt: null, error: null, lastInput: null };
}
