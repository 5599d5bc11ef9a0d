/**
 * The outbox sender: per contact, one message at a time, in the order they were queued, each
 * after the previous one was accepted. The head of a contact's queue is claimed with a lease, so
 * several senders (processes) never send one contact's messages out of order or twice, and a
 * sender that dies is replaced when its lease ends. Sends respect the number's throughput and
 * the per-recipient pair rate. Retryable Graph errors back off and retry up to a limit; Meta's
 * rate limits (130429, 131056) wait as Meta asks and use up no attempt; other errors fail the
 * message at once, mark the session Errored and cancel the rest of that session's queue.
 * An expired token (190) pauses the tenant's sends until the token is replaced.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Db } from '../db/client.js';
import { recordEvents } from '../db/repositories/events.js';
import {
  claimHead,
  contactsWithQueuedMessages,
  deferOutbox,
  queuedForSession,
  recordSent,
  type HeadClaim,
  type LeasedHead,
  type OutboxItem,
} from '../db/repositories/outbox.js';
import type { HeadLease } from '../db/repositories/messages.js';
import { errorBotSession } from '../db/repositories/sessions.js';
import { markTokenExpired } from '../db/repositories/users.js';
import type { Metrics } from '../observability/metrics.js';
import { createKeyedRunner } from '../queue/keyed-runner.js';
import { messageStatus, sessionUpdated, type RealtimePublisher } from '../realtime/events.js';
import type { Tenant, TenantDirectory } from '../tenants/directory.js';
import { GraphApiError, describeGraphError, isTokenError } from '../whatsapp/errors.js';
import type { GraphClient } from '../whatsapp/graph-client.js';
import type { OutboundMessage } from '../whatsapp/outbound.js';
import { backoffDelay } from './backoff.js';
import { cancelQueued } from './cancel.js';
import type { Bucket, RateLimiter } from './rate-limit.js';

export interface SendLimits {
  /** Default throughput of a number, when its user sets none. */
  perNumberPerSecond: number;
  /** Pair rate to one recipient: a token every `pairIntervalMs`, bursts up to `pairBurst`. */
  pairIntervalMs: number;
  pairBurst: number;
}

export interface SenderDeps {
  db: Db;
  tenants: TenantDirectory;
  graph: GraphClient;
  limiter: RateLimiter;
  limits: SendLimits;
  log: Logger;
  now(): number;
  maxAttempts: number;
  retryBaseMs: number;
  concurrency: number;
  /** How long a claimed message stays ours; longer than a Graph request can take. */
  leaseMs: number;
  /** Realtime: events committed with a send's outcome, and the typing indicator. */
  publisher: RealtimePublisher;
  onTokenExpired(userId: string): void;
  /** Statuses for a message arrived before its wamid was known: they are pending again. */
  onEarlyStatuses(): void;
  metrics: Pick<Metrics, 'sends' | 'sendRetries' | 'sendSeconds'>;
}

export interface OutboxSender {
  schedule(contactIds: Iterable<string>): void;
  /** The lease a worker takes for this sender on the head of a queue it starts (`handOver`). */
  lease(now: number): HeadLease;
  /** Sends a head leased to this sender as it was queued, without claiming it again. */
  handOver(head: LeasedHead): void;
  /** Re-scan the outbox (at start, and when a tenant's token is replaced). */
  resume(userId?: string): Promise<void>;
  /** Sends Meta accepted whose wamid is not stored yet: sent again if this process stops now. */
  unrecordedSends(): number;
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** While another sender holds a contact's head, look again this often (it may finish early). */
const LEASED_RECHECK_MS = 1_000;
/** After a 130429 every send of the number waits this long: Meta counts throughput per second. */
export const NUMBER_PAUSE_MS = 1_000;
/** Slots are waits, not times of day: they must not grow when the system clock is set back. */
const monotonicNow = () => performance.now();

export function createOutboxSender(deps: SenderDeps): OutboxSender {
  const owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const timers = new Map<string, NodeJS.Timeout>();
  /**
   * Sends the Graph API accepted whose outcome could not be stored yet (the database failed
   * right after), by contact: the retry stores the wamid it already has instead of sending the
   * message again. Kept only while this sender still holds that row (`forgetUnlessHeld`).
   */
  const acceptedNotRecorded = new Map<string, { outboxId: number; wamid: string }>();
  /**
   * When each contact the limiter refused may ask again (the slot it was given, on the monotonic
   * clock). A nudge before then (the sweep, a new reply) waits for it: asking again would move the
   * contact's slot behind every contact refused since.
   */
  const slotAt = new Map<string, number>();
  /**
   * Heads leased as they were queued (`lease`), by contact, not sent yet. Their lease names an
   * owner of their own, so this sender's claims never take them: a drain already running for the
   * contact cannot send one that is then handed over and sent again.
   */
  const handedOwner = `${owner}:handed`;
  /** `returned`: handed back once (it had to wait), so it may have been cancelled since. */
  const handedOver = new Map<string, LeasedHead & { returned?: true }>();

  const runner = createKeyedRunner(drain, {
    concurrency: deps.concurrency,
    onError: (contactId, error) => {
      deps.log.warn({ err: error, contactId }, 'outbox paused for contact: will retry');
      later(contactId, 5_000);
    },
  });

  /**
   * The contact's head: the one handed over while its lease has half its time to run (it can
   * wait behind a full sender), else claimed (renewing a handed lease that grew old, or checking
   * that a head handed back is still queued: an operator's takeover cancels the bot's queue). A
   * handed head comes with the end of its lease, to be handed back if it cannot go yet.
   */
  const nextHead = async (contactId: string, now: number): Promise<{ claim: HeadClaim; handedUntil: Date | null }> => {
    const handed = handedOver.get(contactId);
    handedOver.delete(contactId);
    if (handed && !handed.returned && handed.leaseUntil.getTime() - now >= deps.leaseMs / 2) {
      return { claim: { kind: 'claimed', item: handed.item }, handedUntil: handed.leaseUntil };
    }
    const leaseUntil = new Date(now + deps.leaseMs);
    const claim = await claimHead(deps.db, contactId, handed ? handedOwner : owner, new Date(now), leaseUntil);
    return { claim, handedUntil: handed ? leaseUntil : null };
  };

  const later = (contactId: string, delayMs: number) => {
    clearTimeout(timers.get(contactId));
    const timer = setTimeout(() => {
      timers.delete(contactId);
      runner.nudge(contactId);
    }, delayMs);
    timer.unref();
    timers.set(contactId, timer);
  };

  /** Sends the contact's queue; the typing indicator is on while it does (never left stuck). */
  async function drain(contactId: string, signal: AbortSignal): Promise<void> {
    let typingFor: string | null = null;
    try {
      while (!signal.aborted) {
        const untilSlot = (slotAt.get(contactId) ?? 0) - monotonicNow();
        if (untilSlot > 0) return later(contactId, untilSlot);
        slotAt.delete(contactId);
        const now = deps.now();
        const { claim, handedUntil } = await nextHead(contactId, now);
        forgetUnlessHeld(contactId, claim);
        if (claim.kind === 'empty') return;
        if (claim.kind === 'wait') {
          // A retry waits for its due time; a nudge meanwhile (the sweep, a new reply) must not
          // turn its backoff into a claim every second.
          const wait = claim.until.getTime() - now;
          return later(contactId, claim.leased ? Math.min(wait, LEASED_RECHECK_MS) : wait);
        }
        const { item } = claim;
        // Not sent now: a handed head is handed back, so its lease is not waited out.
        const handBack = () => {
          if (handedUntil) handedOver.set(contactId, { item, leaseUntil: handedUntil, returned: true });
        };
        try {
          const tenant = await deps.tenants.byId(item.userId);
          if (!tenant) {
            await fail(item, 'the user that owns this message no longer exists');
            continue;
          }
          if (tenant.tokenExpiredAt) return handBack(); // resumed by resume(userId) once the token is replaced
          const wait = await throttle(tenant, item);
          if (wait > 0) {
            handBack();
            slotAt.set(contactId, monotonicNow() + wait);
            return later(contactId, wait);
          }
          if (typingFor === null) {
            typingFor = tenant.id;
            deps.publisher.typing(tenant.id, contactId, true);
          }
          if (!(await sendOne(tenant, item, handBack))) return;
        } catch (error) {
          // The row is still queued (its outcome was not stored): the retry takes it back.
          handBack();
          throw error;
        }
      }
    } finally {
      if (typingFor !== null) deps.publisher.typing(typingFor, contactId, false);
    }
  }

  /**
   * An accepted send's wamid is ours to record only while this sender holds its row: once the
   * row is gone (recorded or cancelled elsewhere) or another sender leased it (and sends it
   * itself), the entry is dropped, so none outlives its row.
   */
  const forgetUnlessHeld = (contactId: string, claim: HeadClaim) => {
    const accepted = acceptedNotRecorded.get(contactId);
    const held = claim.kind === 'claimed' && claim.item.outboxId === accepted?.outboxId;
    if (accepted && !held) acceptedNotRecorded.delete(contactId);
  };

  const pairBucket = (tenant: Tenant, to: string): Bucket => ({
    key: `pair:${tenant.phoneNumberId}:${to}`,
    ratePerSecond: 1000 / deps.limits.pairIntervalMs,
    burst: deps.limits.pairBurst,
  });

  const numberBucket = (tenant: Tenant): Bucket => {
    const perSecond = tenant.messagesPerSecond ?? deps.limits.perNumberPerSecond;
    return { key: `number:${tenant.phoneNumberId}`, ratePerSecond: perSecond, burst: perSecond };
  };

  /**
   * Both tokens or neither. The pair first: a contact waiting for its pair interval takes no
   * place among the number's waiters.
   */
  const throttle = (tenant: Tenant, item: OutboxItem): Promise<number> =>
    deps.limiter.take([pairBucket(tenant, item.to), numberBucket(tenant)]);

  /** Returns false when the queue must stop for now (empty, retry later, or token expired). */
  const sendOne = async (tenant: Tenant, item: OutboxItem, handBack: () => void): Promise<boolean> => {
    let wamid = acceptedNotRecorded.get(item.contactId)?.wamid;
    if (wamid === undefined) {
      const stopTimer = deps.metrics.sendSeconds.startTimer();
      try {
        ({ wamid } = await deps.graph.send(tenant.phoneNumberId, tenant.accessToken, item.to, item.payload as OutboundMessage));
      } catch (error) {
        if (!(error instanceof GraphApiError)) throw error;
        return onSendError(tenant, item, error, handBack);
      } finally {
        stopTimer();
      }
      deps.metrics.sends.inc({ result: 'sent', code: '' });
      acceptedNotRecorded.set(item.contactId, { outboxId: item.outboxId, wamid });
    }
    const { event, earlyStatuses, more } = await recordSent(deps.db, {
      outboxId: item.outboxId,
      contactId: item.contactId,
      messageId: item.messageId,
      wamid,
      at: new Date(deps.now()),
      event: messageStatus({ id: item.messageId, waMessageId: wamid, status: 'Sent', error: null, userId: tenant.id, contactId: item.contactId }),
    });
    acceptedNotRecorded.delete(item.contactId);
    if (event) deps.publisher.publish([event]);
    if (earlyStatuses > 0) deps.onEarlyStatuses();
    return more;
  };

  const onSendError = async (tenant: Tenant, item: OutboxItem, error: GraphApiError, handBack: () => void): Promise<boolean> => {
    const reason = describeGraphError(error);
    const code = String(error.code ?? error.httpStatus ?? 'network');
    if (isTokenError(error)) {
      const paused = await markTokenExpired(deps.db, tenant.id, tenant.sealedAccessToken, new Date(deps.now()));
      deps.tenants.invalidate();
      if (!paused) {
        // The token was replaced while this send was in flight: send again (the lease is still ours).
        deps.metrics.sends.inc({ result: 'retry', code });
        handBack();
        return true;
      }
      deps.metrics.sends.inc({ result: 'paused', code });
      await deferOutbox(deps.db, item.outboxId, item.attempts, new Date(deps.now()), reason);
      deps.log.error({ userId: tenant.id, code: error.code }, 'access token expired or invalid: sends paused until it is replaced');
      deps.onTokenExpired(tenant.id);
      return false;
    }
    if (error.retry === 'recipient' || error.retry === 'number') {
      // Meta asks to wait and retry: not a failed attempt, however often it happens.
      const delay = await pauseLimitedBucket(tenant, item, error.retry);
      await retryLater(item, item.attempts, delay, { reason, code });
      return false;
    }
    const attempts = item.attempts + 1;
    if (error.retry === 'yes' && attempts < deps.maxAttempts) {
      await retryLater(item, attempts, backoffDelay(attempts, deps.retryBaseMs), { reason, code });
      return false;
    }
    deps.metrics.sends.inc({ result: 'failed', code });
    await fail(item, reason);
    return true;
  };

  /**
   * Meta says a limit was reached although the bucket had a token (another client of the number,
   * bursts Meta counts differently): the bucket is emptied for the pair interval (131056) or for
   * NUMBER_PAUSE_MS (130429), so the sends behind it wait too. Returns how long.
   */
  const pauseLimitedBucket = async (tenant: Tenant, item: OutboxItem, limit: 'recipient' | 'number'): Promise<number> => {
    const [bucket, ms] =
      limit === 'recipient' ? [pairBucket(tenant, item.to), deps.limits.pairIntervalMs] : [numberBucket(tenant), NUMBER_PAUSE_MS];
    await deps.limiter.pause(bucket, ms);
    return ms;
  };

  const retryLater = async (item: OutboxItem, attempts: number, delay: number, error: { reason: string; code: string }) => {
    deps.metrics.sends.inc({ result: 'retry', code: error.code });
    deps.metrics.sendRetries.inc();
    await deferOutbox(deps.db, item.outboxId, attempts, new Date(deps.now() + delay), error.reason);
    deps.log.info({ messageId: item.messageId, code: error.code, attempts, delay }, 'send failed: retrying');
    later(item.contactId, delay);
  };

  /** The message fails; its session errors and the rest of that session's queue is cancelled. */
  const fail = async (item: OutboxItem, reason: string) => {
    const at = new Date(deps.now());
    const events = await deps.db.transaction(async (tx) => {
      const queued = item.sessionId ? await queuedForSession(tx, item.sessionId) : [];
      const others = queued.filter((row) => row.outboxId !== item.outboxId);
      const failed = [
        ...(await cancelQueued(tx, [item], reason, at)),
        ...(await cancelQueued(tx, others, `not sent: an earlier message failed (${reason})`, at)),
      ];
      const errored =
        item.sessionId && (await errorBotSession(tx, item.sessionId))
          ? [sessionUpdated(item.userId, item.contactId, { sessionId: item.sessionId, status: 'Errored' })]
          : [];
      return recordEvents(tx, [...failed, ...errored]);
    });
    deps.log.warn({ messageId: item.messageId, reason }, 'message failed');
    deps.publisher.publish(events);
  };

  return {
    schedule(contactIds) {
      for (const contactId of contactIds) runner.nudge(contactId);
    },
    lease: (now) => ({ owner: handedOwner, until: new Date(now + deps.leaseMs) }),
    handOver(head) {
      handedOver.set(head.item.contactId, head);
      runner.nudge(head.item.contactId);
    },
    async resume(userId) {
      for (const contactId of await contactsWithQueuedMessages(deps.db, userId)) runner.nudge(contactId);
    },
    unrecordedSends: () => acceptedNotRecorded.size,
    idle: () => runner.idle(),
    async close() {
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      await runner.close();
    },
  };
}
