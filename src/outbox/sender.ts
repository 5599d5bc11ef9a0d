/**
 * The outbox sender: per contact, one message at a time, in the order they were queued, each
 * after the previous one was accepted. Retryable Graph errors back off and retry up to a limit;
 * others fail the message at once, mark the session Errored and cancel the rest of that session's
 * queue. An expired token (190) pauses the tenant's sends until the token is replaced.
 */
import type { Logger } from 'pino';
import type { Db } from '../db/client.js';
import { lockKey } from '../db/repositories/inbox.js';
import { recordEvents } from '../db/repositories/events.js';
import { markMessageSent, markMessagesFailed } from '../db/repositories/messages.js';
import {
  contactsWithQueuedMessages,
  deferOutbox,
  headOfQueue,
  queuedForSession,
  removeOutbox,
  type OutboxItem,
} from '../db/repositories/outbox.js';
import { setSessionStatus } from '../db/repositories/sessions.js';
import { markTokenExpired } from '../db/repositories/users.js';
import { applyEarlyStatuses, wamidLockKey } from '../conversation/statuses.js';
import { createKeyedRunner } from '../queue/keyed-runner.js';
import { messageStatus, sessionUpdated, type RealtimePublisher } from '../realtime/events.js';
import type { Tenant, TenantDirectory } from '../tenants/directory.js';
import { GraphApiError, describeGraphError, isTokenError } from '../whatsapp/errors.js';
import type { GraphClient } from '../whatsapp/graph-client.js';
import type { OutboundMessage } from '../whatsapp/outbound.js';
import { backoffDelay } from './backoff.js';

export interface SenderDeps {
  db: Db;
  tenants: TenantDirectory;
  graph: GraphClient;
  log: Logger;
  now(): number;
  maxAttempts: number;
  retryBaseMs: number;
  concurrency: number;
  /** Realtime: events committed with a send's outcome, and the typing indicator. */
  publisher: RealtimePublisher;
  onTokenExpired(userId: string): void;
}

export interface OutboxSender {
  schedule(contactIds: Iterable<string>): void;
  /** Re-scan the outbox (at start, and when a tenant's token is replaced). */
  resume(userId?: string): Promise<void>;
  idle(): Promise<void>;
  close(): Promise<void>;
}

export function createOutboxSender(deps: SenderDeps): OutboxSender {
  const timers = new Map<string, NodeJS.Timeout>();
  const runner = createKeyedRunner((contactId) => drain(contactId), {
    concurrency: deps.concurrency,
    onError: (contactId, error) => {
      deps.log.warn({ err: error, contactId }, 'outbox paused for contact: will retry');
      later(contactId, 5_000);
    },
  });

  const later = (contactId: string, delayMs: number) => {
    clearTimeout(timers.get(contactId));
    const timer = setTimeout(() => {
      timers.delete(contactId);
      runner.schedule(contactId);
    }, delayMs);
    timer.unref();
    timers.set(contactId, timer);
  };

  /** Sends the contact's queue; the typing indicator is on while it does (never left stuck). */
  const drain = async (contactId: string): Promise<void> => {
    let typingFor: string | null = null;
    try {
      for (;;) {
        const item = await headOfQueue(deps.db, contactId);
        if (!item) return;
        const wait = item.nextAttemptAt.getTime() - deps.now();
        if (wait > 0) return later(contactId, wait);
        const tenant = await deps.tenants.byId(item.userId);
        if (!tenant) {
          await fail(item, 'the user that owns this message no longer exists');
          continue;
        }
        if (tenant.tokenExpiredAt) return; // resumed by resume(userId) once the token is replaced
        if (typingFor === null) {
          typingFor = tenant.id;
          deps.publisher.typing(tenant.id, contactId, true);
        }
        if (!(await sendOne(tenant, item))) return;
      }
    } finally {
      if (typingFor !== null) deps.publisher.typing(typingFor, contactId, false);
    }
  };

  /** Returns false when the queue must stop for now (retry later, or token expired). */
  const sendOne = async (tenant: Tenant, item: OutboxItem): Promise<boolean> => {
    let wamid: string;
    try {
      ({ wamid } = await deps.graph.send(tenant.phoneNumberId, tenant.accessToken, item.to, item.payload as OutboundMessage));
    } catch (error) {
      if (!(error instanceof GraphApiError)) throw error;
      return onSendError(tenant, item, error);
    }
    const at = new Date(deps.now());
    const events = await deps.db.transaction(async (tx) => {
      await lockKey(tx, wamidLockKey(wamid));
      const sent = await markMessageSent(tx, item.messageId, wamid, at);
      await removeOutbox(tx, [item.outboxId]);
      const early = await applyEarlyStatuses(tx, tenant.id, wamid, at);
      return recordEvents(tx, [...(sent ? [sent] : []), ...early].map(messageStatus));
    });
    deps.publisher.publish(events);
    return true;
  };

  const onSendError = async (tenant: Tenant, item: OutboxItem, error: GraphApiError): Promise<boolean> => {
    const reason = describeGraphError(error);
    if (isTokenError(error)) {
      await markTokenExpired(deps.db, tenant.id, new Date(deps.now()));
      deps.tenants.invalidate();
      deps.log.error({ userId: tenant.id, code: error.code }, 'access token expired or invalid: sends paused until it is replaced');
      deps.onTokenExpired(tenant.id);
      return false;
    }
    const attempts = item.attempts + 1;
    if (error.retry !== 'no' && attempts < deps.maxAttempts) {
      const delay = backoffDelay(attempts, deps.retryBaseMs);
      await deferOutbox(deps.db, item.outboxId, attempts, new Date(deps.now() + delay), reason);
      deps.log.info({ messageId: item.messageId, code: error.code, attempts, delay }, 'send failed: retrying');
      later(item.contactId, delay);
      return false;
    }
    await fail(item, reason);
    return true;
  };

  /** The message fails; its session errors and the rest of that session's queue is cancelled. */
  const fail = async (item: OutboxItem, reason: string) => {
    const at = new Date(deps.now());
    const events = await deps.db.transaction(async (tx) => {
      const queued = item.sessionId ? await queuedForSession(tx, item.sessionId) : [];
      const others = queued.filter((row) => row.outboxId !== item.outboxId);
      const failed = [
        ...(await markMessagesFailed(tx, [item.messageId], reason, at)),
        ...(await markMessagesFailed(tx, others.map((row) => row.messageId), `not sent: an earlier message failed (${reason})`, at)),
      ];
      await removeOutbox(tx, [item.outboxId, ...others.map((row) => row.outboxId)]);
      if (item.sessionId) await setSessionStatus(tx, item.sessionId, 'Errored');
      const errored = item.sessionId ? [sessionUpdated(item.userId, item.contactId, { sessionId: item.sessionId, status: 'Errored' })] : [];
      return recordEvents(tx, [...failed.map(messageStatus), ...errored]);
    });
    deps.log.warn({ messageId: item.messageId, reason }, 'message failed');
    deps.publisher.publish(events);
  };

  return {
    schedule(contactIds) {
      for (const contactId of contactIds) runner.schedule(contactId);
    },
    async resume(userId) {
      for (const contactId of await contactsWithQueuedMessages(deps.db, userId)) runner.schedule(contactId);
    },
    idle: () => runner.idle(),
    async close() {
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      await runner.close();
    },
  };
}
