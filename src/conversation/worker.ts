/**
 * The conversation worker drains one conversation's pending inbox events, oldest first, one
 * transaction per event, under a lock on the conversation (so two processes, or two runs in one
 * process, never interleave). A failing event is retried with backoff; after a few failures it
 * is set aside as `failed` with the reason, so one bad event can never wedge a conversation.
 */
import type { Logger } from 'pino';
import type { Db } from '../db/client.js';
import { lockKey, nextPendingEvents, settleEvent, type InboundEventRow, type InboundEventState } from '../db/repositories/inbox.js';
import { settleWithEvents } from '../db/repositories/events.js';
import type { HeadLease, MessageRow } from '../db/repositories/messages.js';
import { messageNew, sessionUpdated, type NewRealtimeEvent, type RealtimeEvent } from '../realtime/events.js';
import type { Metrics } from '../observability/metrics.js';
import type { Tenant, TenantDirectory } from '../tenants/directory.js';
import type { MessageRecordData } from '../whatsapp/inbound.js';
import type { AdvanceDeps, PendingHttp } from './advance.js';
import type { LeasedHead } from '../db/repositories/outbox.js';
import type { ContactRow } from '../db/repositories/contacts.js';
import { DuplicateMessageError, handleMessage, type ContactLock } from './handle-message.js';
import { conversationLockName, parseConversationKey, type ConversationRef } from './keys.js';
import type { SessionChange } from './route-message.js';
import { SESSION_EVENT_KINDS, handleSessionEvent } from './session-events.js';

/** What a committed event changed: the sender, HTTP runner and realtime bus act on it after commit. */
export interface Committed {
  /**
   * The contact's own conversation (its key is `Contact.phone`), where its HTTP results go: the
   * key its timers and operators lock, whatever key the event came under.
   */
  ownConversation: ConversationRef;
  contactId: string;
  userId: string;
  messages: MessageRow[];
  sessionChanges: SessionChange[];
  http: PendingHttp[];
  /** Outbound messages were queued for this contact. */
  queued: boolean;
  /** The first of them, leased to this process's sender as it was queued (it started the queue). */
  head: LeasedHead | null;
  /** Engine steps run for this event. */
  steps: number;
}

export interface WorkerDeps extends AdvanceDeps {
  db: Db;
  tenants: TenantDirectory;
  log: Logger;
  now(): number;
  /** After commit, with the realtime events stored in the same transaction. */
  onCommitted(committed: Committed, events: readonly RealtimeEvent[]): void;
  /** Try this conversation again later (after a transient failure). */
  retryLater(key: string, delayMs: number): void;
  metrics: Pick<Metrics, 'inboxEvents' | 'inboxLagSeconds' | 'engineSteps'>;
  /** Whether conversations need a database lock (several processes share the database). */
  lockConversations: boolean;
  /** The lease this process's sender takes on the head of a queue the change starts. */
  leaseHead(now: number): HeadLease;
}

interface Settled {
  state: InboundEventState;
  reason: string | null;
  committed: Committed | null;
}

const MAX_FAILURES = 3;
const TRANSIENT_RETRY_MS = 5_000;

export interface ConversationWorker {
  /** Processes the conversation's pending events until none is left or `signal` aborts. */
  drain(key: string, signal: AbortSignal): Promise<void>;
}

export function createConversationWorker(deps: WorkerDeps): ConversationWorker {
  const failures = new Map<number, number>();

  const handle = async (tx: Db, event: InboundEventRow, tenant: Tenant | null, conversation: ConversationRef): Promise<Settled> => {
    if (!tenant) {
      return { state: 'ignored', reason: `no user owns phone_number_id ${event.phoneNumberId}`, committed: null };
    }
    const now = deps.now();
    const lease = deps.leaseHead(now);
    const committedFor = (contact: ContactRow): Pick<Committed, 'ownConversation' | 'contactId' | 'userId'> => ({
      ownConversation: { phoneNumberId: conversation.phoneNumberId, contactKey: contact.phone },
      contactId: contact.id,
      userId: tenant.id,
    });
    if (event.kind === 'message') {
      const outcome = await handleMessage(tx, deps, tenant.id, event.payload as MessageRecordData, now, lease, contactLock(tx, conversation));
      return {
        state: 'done',
        reason: outcome.reason,
        committed: {
          ...committedFor(outcome.contact),
          messages: [outcome.inbound, ...outcome.outbound],
          sessionChanges: outcome.sessionChanges,
          http: outcome.http,
          queued: outcome.outbound.length > 0,
          head: outcome.head,
          steps: outcome.steps,
        },
      };
    }
    if (SESSION_EVENT_KINDS.some((kind) => kind === event.kind)) {
      const outcome = await handleSessionEvent(tx, deps, tenant.id, event.kind, event.payload, now, lease);
      if (outcome.kind !== 'advanced') return { state: outcome.kind === 'held' ? 'held' : 'ignored', reason: outcome.reason, committed: null };
      const { outbound, head } = outcome;
      const { sessionChanges, http, steps } = outcome.advanced;
      return {
        state: 'done',
        reason: null,
        committed: { ...committedFor(outcome.contact), messages: outbound, sessionChanges, http, queued: outbound.length > 0, head, steps },
      };
    }
    return { state: 'ignored', reason: `unknown event kind ${event.kind}`, committed: null };
  };

  /** On PostgreSQL: the conversation's lock is held; a message may need its contact's own key's too. */
  const contactLock = (tx: Db, conversation: ConversationRef): ContactLock | null =>
    deps.lockConversations
      ? { held: conversation.contactKey, take: (contactKey) => lockKey(tx, conversationLockName({ ...conversation, contactKey })) }
      : null;

  /**
   * The tenant owning the number. A number another process created a moment ago may be cached
   * here as unknown: it is looked up again, past the cache, before its events are ignored.
   */
  const tenantOf = async (phoneNumberId: string): Promise<Tenant | null> =>
    (await deps.tenants.byPhoneNumberId(phoneNumberId)) ?? deps.tenants.reloadByPhoneNumberId(phoneNumberId);

  /**
   * One event in one transaction; false when the conversation has nothing left. The read looks
   * one event ahead, so the last event of a drain needs no extra transaction to find out it was
   * the last (an event committed meanwhile comes with a notification of its own).
   */
  const processNext = async (key: string): Promise<boolean> => {
    const conversation = parseConversationKey(key);
    let current: InboundEventRow | undefined;
    let more = false;
    try {
      // Looked up before the transaction: the embedded database runs one transaction at a time,
      // so a lookup outside it from inside it would wait forever.
      const tenant = await tenantOf(conversation.phoneNumberId);
      const settled = await deps.db.transaction(async (tx) => {
        if (deps.lockConversations) await lockKey(tx, conversationLockName(conversation));
        const pending = await nextPendingEvents(tx, conversation.phoneNumberId, conversation.contactKey, 2);
        [current] = pending;
        more = pending.length > 1;
        if (!current) return null;
        const result = await handle(tx, current, tenant, conversation);
        const at = new Date(deps.now());
        const events = await settleWithEvents(tx, { id: current.id, state: result.state, reason: result.reason, at }, result.committed ? eventsOf(result.committed) : []);
        return { ...result, events };
      });
      if (!settled) return false;
      const event = current!;
      failures.delete(event.id);
      deps.metrics.inboxEvents.inc({ kind: event.kind, state: settled.state });
      deps.metrics.inboxLagSeconds.observe((deps.now() - event.receivedAt.getTime()) / 1000);
      if (settled.committed) {
        deps.metrics.engineSteps.inc(settled.committed.steps);
        deps.onCommitted(settled.committed, settled.events);
      }
      return more;
    } catch (error) {
      try {
        if (current) return await setAside(key, current, error);
      } catch {
        // the database is unreachable: fall through and retry the whole conversation later
      }
      deps.log.warn({ err: error, conversation: key }, 'conversation paused: database unavailable');
      deps.retryLater(key, TRANSIENT_RETRY_MS);
      return false;
    }
  };

  const setAside = async (key: string, event: InboundEventRow, error: unknown): Promise<boolean> => {
    const duplicate = error instanceof DuplicateMessageError;
    const count = (failures.get(event.id) ?? 0) + 1;
    if (!duplicate && count < MAX_FAILURES) {
      failures.set(event.id, count);
      deps.log.warn({ err: error, eventId: event.id, attempt: count }, 'inbox event failed; will retry');
      deps.retryLater(key, 500 * 4 ** count);
      return false;
    }
    failures.delete(event.id);
    const reason = error instanceof Error ? error.message : String(error);
    if (!duplicate) deps.log.error({ err: error, eventId: event.id }, 'inbox event set aside as failed');
    const state = duplicate ? 'ignored' : 'failed';
    await settleEvent(deps.db, event.id, state, reason.slice(0, 1000), new Date(deps.now()));
    deps.metrics.inboxEvents.inc({ kind: event.kind, state });
    return true;
  };

  return {
    async drain(key, signal) {
      while (!signal.aborted && (await processNext(key)));
    },
  };
}

/** The console's view of a committed change: new messages and session changes. */
function eventsOf(committed: Committed): NewRealtimeEvent[] {
  return [
    ...committed.messages.map(messageNew),
    ...committed.sessionChanges.map((change) => sessionUpdated(committed.userId, committed.contactId, change)),
  ];
}
