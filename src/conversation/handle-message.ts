/**
 * One inbound message, inside the conversation's transaction: contact upsert, routing, the
 * inbound Message row, one engine step, the session's new state and the queued replies.
 */
import type { Db } from '../db/client.js';
import { findContactByWaUserId, upsertContact, type ContactRow } from '../db/repositories/contacts.js';
import { insertInboundMessage, type MessageRow } from '../db/repositories/messages.js';
import { saveSessionState, startSession } from '../db/repositories/sessions.js';
import { step } from '../engine/step.js';
import { initialState, type EngineInput, type StepResult } from '../engine/types.js';
import type { FlowDefinition } from '../flows/definition.js';
import type { InboundProfile, MessageRecordData } from '../whatsapp/inbound.js';
import type { OutboundMessage } from '../whatsapp/outbound.js';
import type { DefinitionCache } from './definitions.js';
import { queueOutbound } from './outbound.js';
import { routeMessage, type SessionChange } from './route-message.js';
import { toEngineState, toSessionState } from './session-state.js';

export interface MessageDeps {
  definitions: DefinitionCache;
  maxNodesPerStep: number;
}

export interface MessageOutcome {
  reason: string | null;
  contact: ContactRow;
  inbound: MessageRow;
  outbound: MessageRow[];
  sessionChanges: SessionChange[];
}

/** The wamid is already stored as a Message (e.g. written by another app): nothing to do. */
export class DuplicateMessageError extends Error {
  override name = 'DuplicateMessageError';
}

export async function handleMessage(
  tx: Db,
  deps: MessageDeps,
  userId: string,
  data: MessageRecordData,
  now: number,
): Promise<MessageOutcome> {
  const contact = await resolveContact(tx, userId, data.profile, new Date(data.timestamp || now));
  const changes: SessionChange[] = [];
  const route = await routeMessage(tx, deps.definitions, { userId, contactId: contact.id }, data.summary.text, now, changes);

  let sessionId: string | null = null;
  let replies: OutboundMessage[] = [];
  let reason: string | null = null;
  switch (route.kind) {
    case 'none':
      reason = route.reason;
      break;
    case 'handoff':
      sessionId = route.session.id;
      reason = 'session in handoff: an operator answers';
      break;
    case 'resume': {
      const result = run(deps, route.definition, toEngineState(route.session), { kind: 'message', message: data.summary }, contact, now);
      await saveSessionState(tx, route.session.id, toSessionState(result.state));
      sessionId = route.session.id;
      replies = sends(result);
      if (result.state.status !== route.session.status) changes.push({ sessionId, status: result.state.status });
      break;
    }
    case 'start': {
      const result = run(deps, route.definition, initialState(), { kind: 'start', message: data.summary }, contact, now);
      const session = await startSession(tx, contact.id, route.flow.id, route.flow.version, toSessionState(result.state));
      sessionId = session.id;
      replies = sends(result);
      changes.push({ sessionId, status: result.state.status });
      break;
    }
  }

  const inbound = await insertInboundMessage(tx, {
    waMessageId: data.wamid,
    direction: 'inbound',
    type: data.summary.type,
    content: data.summary.text,
    payload: data.raw,
    status: 'Delivered',
    contactId: contact.id,
    userId,
    sessionId,
  });
  if (!inbound) throw new DuplicateMessageError(`a Message with wamid ${data.wamid} already exists`);
  const outbound = await queueOutbound(tx, { userId, contactId: contact.id, sessionId }, replies);
  return { reason, contact, inbound, outbound, sessionChanges: changes };
}

function run(
  deps: MessageDeps,
  definition: FlowDefinition,
  state: ReturnType<typeof initialState>,
  input: EngineInput,
  contact: ContactRow,
  now: number,
): StepResult {
  return step(definition, state, input, {
    contact: { name: contact.name, phone: contact.phone },
    now,
    maxNodesPerStep: deps.maxNodesPerStep,
  });
}

function sends(result: StepResult): OutboundMessage[] {
  return result.effects.flatMap((effect) => (effect.kind === 'send' ? [effect.message] : []));
}

/** Username-only users (no phone) are found by BSUID, so their contact stays the same. */
async function resolveContact(tx: Db, userId: string, profile: InboundProfile, at: Date): Promise<ContactRow> {
  const known =
    profile.phone === null && profile.userId !== null ? await findContactByWaUserId(tx, userId, profile.userId) : undefined;
  const phone = profile.phone ?? known?.phone ?? profile.userId ?? '';
  return upsertContact(tx, userId, { phone, waUserId: profile.userId, name: profile.name }, at);
}
