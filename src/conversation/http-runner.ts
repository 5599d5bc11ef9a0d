/**
 * Performs the HTTP requests flows asked for, after the step that asked was committed, and puts
 * each result as an `http` event in the inbox of the contact's own conversation (`Contact.phone`,
 * where its timers go, under the lock its operators take). If the process dies before the
 * result is stored, the session's wait timer leaves the node by `error`: nothing wedges.
 *
 * Every request is handed over at once, named by its tenant: `perform` (safe-http) limits how
 * many are in flight, overall and per tenant; the others wait their turn within their timeout.
 */
import type { Logger } from 'pino';
import type { Db } from '../db/client.js';
import { MAX_JSON_DEPTH, nestedTooDeep, withStorableText } from '../db/storable.js';
import { insertInboundEvents } from '../db/repositories/inbox.js';
import { usesSecrets } from '../engine/nodes/http-request.js';
import type { HttpRequestSpec, HttpResult } from '../engine/types.js';
import type { SafeHttpRequest } from '../safe-http/index.js';
import type { PendingHttp } from './advance.js';
import { conversationKey, type ConversationRef } from './keys.js';
import { fillSecrets, redactSecrets } from './request-secrets.js';
import { httpResultEvent } from './session-events.js';

export interface HttpRunnerDeps {
  db: Db;
  log: Logger;
  now(): number;
  perform(request: SafeHttpRequest): Promise<HttpResult>;
  /** The tenant's secrets, decrypted, for the flow author's `{{secrets.NAME}}` placeholders. */
  secretsFor(userId: string): Promise<ReadonlyMap<string, string>>;
  notify(keys: Iterable<string>): Promise<void>;
}

export interface HttpRunner {
  run(conversation: ConversationRef, userId: string, requests: readonly PendingHttp[]): void;
  /** Resolves when no request is in flight. */
  idle(): Promise<void>;
}

export function createHttpRunner(deps: HttpRunnerDeps): HttpRunner {
  const inFlight = new Set<Promise<void>>();

  const send = async (userId: string, request: HttpRequestSpec): Promise<HttpResult> => {
    if (!usesSecrets(request)) return deps.perform({ ...request, caller: userId });
    const filled = fillSecrets(request, await deps.secretsFor(userId));
    if (!filled.ok) return { ok: false, status: null, error: filled.error };
    // The one place a failure's text leaves with the secrets it may quote taken out.
    return redactSecrets(await deps.perform({ ...filled.request, caller: userId }), filled.secrets);
  };

  const runOne = async (conversation: ConversationRef, userId: string, pending: PendingHttp) => {
    const result = storableResult(await send(userId, pending.request));
    await insertInboundEvents(deps.db, [httpResultEvent(conversation, pending, result, new Date(deps.now()))]);
    await deps.notify([conversationKey(conversation)]);
  };

  return {
    run(conversation, userId, requests) {
      for (const pending of requests) {
        const task = runOne(conversation, userId, pending)
          .catch((error: unknown) =>
            deps.log.warn({ err: error, sessionId: pending.sessionId, nodeId: pending.nodeId }, 'flow HTTP result not stored; the wait timer will end it'),
          )
          .finally(() => inFlight.delete(task));
        inFlight.add(task);
      }
    },
    async idle() {
      while (inFlight.size > 0) await Promise.all(inFlight);
    },
  };
}

/**
 * The result as the inbox can hold it: text the database refuses (NUL characters, lone
 * surrogates) is replaced, and an answer nested too deep to store fails the request — otherwise
 * the result could not be stored and the session would wait for its grace timer.
 */
function storableResult(result: HttpResult): HttpResult {
  if (result.ok && nestedTooDeep(result.body)) {
    return { ok: false, status: result.status, error: `response nested deeper than ${MAX_JSON_DEPTH} levels` };
  }
  return withStorableText(result) as HttpResult;
}
