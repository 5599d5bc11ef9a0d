/**
 * Advances a session by one engine step inside the conversation's transaction and carries out
 * what the step asks for: the session's new state, its replies (recorded and queued), HTTP
 * requests to perform after commit, and `goto` another flow, which starts that flow's session
 * right away (a few hops at most, so flows that send each other back and forth cannot spin).
 */
import type { Db } from '../db/client.js';
import type { ContactRow } from '../db/repositories/contacts.js';
import { findFlowCandidate, type FlowCandidate } from '../db/repositories/flows.js';
import { saveSessionState, startSession, type SessionRow } from '../db/repositories/sessions.js';
import { step } from '../engine/step.js';
import { initialState, type EngineInput, type EngineState, type HttpRequestSpec } from '../engine/types.js';
import type { FlowDefinition } from '../flows/definition.js';
import type { DefinitionCache } from './definitions.js';
import type { Reply } from './outbound.js';
import type { SessionChange } from './route-message.js';
import { toEngineState, toSessionState } from './session-state.js';

export type SessionTarget =
  | { kind: 'existing'; session: SessionRow; definition: FlowDefinition }
  | { kind: 'new'; flow: FlowCandidate; definition: FlowDefinition };

/** A request the engine asked for; its result comes back as an inbox event. */
export interface PendingHttp {
  sessionId: string;
  nodeId: string;
  request: HttpRequestSpec;
  /** The wait's timer: together with the session and node it names this one request. */
  waitUntil: number | null;
}

export interface AdvanceDeps {
  definitions: DefinitionCache;
  maxNodesPerStep: number;
}

export interface Advanced {
  /** The session that took the input (the first one, when a goto started others). */
  sessionId: string;
  /** What to send, for the caller to record with the rest of the change. */
  replies: Reply[];
  sessionChanges: SessionChange[];
  http: PendingHttp[];
  /** Engine steps run (more than one when a goto started other flows). */
  steps: number;
}

export const MAX_FLOW_HOPS = 5;

export async function advanceSession(
  tx: Db,
  deps: AdvanceDeps,
  contact: ContactRow,
  firstTarget: SessionTarget,
  firstInput: EngineInput,
  now: number,
): Promise<Advanced> {
  const replies: Reply[] = [];
  const http: PendingHttp[] = [];
  const sessionChanges: SessionChange[] = [];
  let target = firstTarget;
  let input = firstInput;
  let firstSessionId: string | null = null;
  let steps = 0;

  for (let hop = 0; ; hop++) {
    steps += 1;
    const before = target.kind === 'existing' ? toEngineState(target.session) : initialState();
    const result = step(target.definition, before, input, {
      contact: { name: contact.name, phone: contact.phone },
      now,
      maxNodesPerStep: deps.maxNodesPerStep,
    });
    let state = result.state;
    const gotoFlow = result.effects.find((effect) => effect.kind === 'startFlow');
    const next = gotoFlow ? await nextTarget(tx, deps, contact.userId, gotoFlow.flowId, hop) : null;
    if (next && 'error' in next) state = { ...state, status: 'Errored', error: next.error };

    const sessionId = await persist(tx, contact, target, before, state);
    firstSessionId ??= sessionId;
    if (target.kind === 'new' || state.status !== before.status) sessionChanges.push({ sessionId, status: state.status });
    for (const effect of result.effects) {
      if (effect.kind === 'send') replies.push({ sessionId, content: effect.message });
      if (effect.kind === 'http') http.push({ sessionId, nodeId: effect.nodeId, request: effect.request, waitUntil: state.timerAt });
    }
    if (!next || 'error' in next) break;
    target = next;
    input = { kind: 'start', message: null, wamid: null };
  }

  return { sessionId: firstSessionId!, replies, sessionChanges, http, steps };
}

async function persist(tx: Db, contact: ContactRow, target: SessionTarget, before: EngineState, state: EngineState): Promise<string> {
  if (target.kind === 'new') {
    return (await startSession(tx, contact.id, target.flow.id, target.flow.version, toSessionState(state))).id;
  }
  // The engine hands back the very same state when an input changes nothing (a stale timer…).
  if (state !== before) await saveSessionState(tx, target.session.id, toSessionState(state));
  return target.session.id;
}

async function nextTarget(
  tx: Db,
  deps: AdvanceDeps,
  userId: string,
  flowId: string,
  hop: number,
): Promise<SessionTarget | { error: string }> {
  if (hop + 1 >= MAX_FLOW_HOPS) return { error: `goto: more than ${MAX_FLOW_HOPS} flows started by one message` };
  const flow = await findFlowCandidate(tx, userId, flowId);
  if (!flow) return { error: `goto: flow ${flowId} does not exist` };
  const loaded = await deps.definitions.get(tx, flow, flow.version);
  return loaded.ok ? { kind: 'new', flow, definition: loaded.definition } : { error: `goto: flow ${flowId}: ${loaded.reason}` };
}
