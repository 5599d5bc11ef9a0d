/**
 * Which session an inbound message belongs to: the contact's live session first (unless it
 * expired, or the message is one of its flow's restart keywords while the bot, not a person,
 * holds the conversation), then the best trigger match
 * among the tenant's Active flows (DESIGN §4 ranking).
 */
import type { Db } from '../db/client.js';
import { activeFlowCandidates, type FlowCandidate } from '../db/repositories/flows.js';
import { setSessionStatus, type LiveSession, type SessionRow } from '../db/repositories/sessions.js';
import { DEFAULT_SESSION_TIMEOUT_MINUTES } from '../flows/constants.js';
import { isRestartKeyword, sessionTimeoutMs } from '../flows/settings.js';
import { isReply } from '../engine/replies.js';
import type { SessionStatus } from '../engine/types.js';
import type { InboundSummary } from '../whatsapp/inbound.js';
import type { FlowDefinition } from '../flows/definition.js';
import { chooseFlowByTrigger } from '../flows/trigger.js';
import type { DefinitionCache, LoadedDefinition } from './definitions.js';

export type Route =
  | { kind: 'none'; reason: string }
  | { kind: 'handoff'; session: SessionRow }
  | { kind: 'resume'; session: SessionRow; definition: FlowDefinition }
  | { kind: 'start'; flow: FlowCandidate; definition: FlowDefinition };

/** A session status change made while routing, to be published after commit. */
export interface SessionChange {
  sessionId: string;
  status: SessionStatus;
}

/**
 * `live`: the contact's latest live session, read with the contact (`upsertContact`). A message
 * that is not a reply (a reaction, a system notice: `engine/replies.ts`) goes to a live session,
 * which ignores it, but never starts a flow (a "default" flow would greet a 👍).
 */
export async function routeMessage(
  tx: Db,
  definitions: DefinitionCache,
  { userId, live }: { userId: string; live: LiveSession | undefined },
  message: InboundSummary,
  now: number,
  changes: SessionChange[],
): Promise<Route> {
  const { text } = message;
  if (live) {
    const { session, flow } = live;
    const loaded = await definitions.get(tx, flow, session.flowVersion ?? flow.version);
    const ended = (status: SessionStatus) => {
      changes.push({ sessionId: session.id, status });
      return setSessionStatus(tx, session.id, status);
    };
    if (now - session.updatedAt.getTime() > idleTimeoutMs(loaded)) {
      await ended('Expired');
    } else if (session.status === 'Handoff') {
      // a person holds the conversation: not even a restart keyword wakes the bot, nor a flow
      // the flow-builder app broke meanwhile (only the bot needs the definition)
      return { kind: 'handoff', session };
    } else if (!loaded.ok) {
      await ended('Errored');
    } else if (isRestartKeyword(loaded.definition, text)) {
      return startRoute(tx, definitions, flow);
    } else {
      return { kind: 'resume', session, definition: loaded.definition };
    }
  }
  if (!isReply(message)) return { kind: 'none', reason: 'not a reply: starts no flow' };
  const flow = chooseFlowByTrigger(await activeFlowCandidates(tx, userId), text);
  if (!flow) return { kind: 'none', reason: 'no active flow matched' };
  return startRoute(tx, definitions, flow);
}

/** How long the session may stay idle; the default when its definition cannot be loaded. */
function idleTimeoutMs(loaded: LoadedDefinition): number {
  return loaded.ok ? sessionTimeoutMs(loaded.definition) : DEFAULT_SESSION_TIMEOUT_MINUTES * 60_000;
}

async function startRoute(tx: Db, definitions: DefinitionCache, flow: FlowCandidate): Promise<Route> {
  const loaded = await definitions.get(tx, flow, flow.version);
  return loaded.ok
    ? { kind: 'start', flow, definition: loaded.definition }
    : { kind: 'none', reason: `flow ${flow.id}: ${loaded.reason}` };
}
