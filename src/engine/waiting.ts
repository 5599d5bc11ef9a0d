/**
 * What buttons, list, question and location request share: prompt and wait (with an optional
 * timeout), judge each reply, re-prompt unexpected ones up to `maxRetries`, then leave by
 * `invalid`; on timeout leave by `timeout`. Unwired, both end the flow politely.
 *
 * Reactions and system notices are not replies: they leave the wait as it was, timer included,
 * and use up no retry.
 */
import { INVALID_HANDLE, TIMEOUT_HANDLE } from '../flows/constants.js';
import { type EndReason, endText, maxRetries } from '../flows/settings.js';
import type { InboundSummary } from '../whatsapp/inbound.js';
import type { OutboundMessage } from '../whatsapp/outbound.js';
import { type NodeRun, type ResumeTransition, type Transition, complete, fail, follow, stay } from './node-handler.js';
import { renderTextMessage } from './render.js';
import { isReply } from './replies.js';

export interface WaitingNode {
  id: string;
  data: { invalidText?: string | undefined; maxRetries?: number | undefined; timeoutSeconds?: number | undefined };
}

export type Verdict =
  | { kind: 'accept'; handle: string; store?: { variable: string; value: string } }
  | { kind: 'reject' }
  /** The node itself cannot work (e.g. an invalid pattern): the session errors. */
  | { kind: 'broken'; reason: string };

export function promptAndWait(node: WaitingNode, run: NodeRun, prompt: OutboundMessage): Transition {
  run.send(prompt);
  return waitForReply(node, run, 0);
}

export function judgeReply(
  node: WaitingNode,
  run: NodeRun,
  message: InboundSummary,
  judge: (message: InboundSummary) => Verdict,
  defaultInvalidText: string,
): ResumeTransition {
  if (!isReply(message)) return stay;
  const verdict = judge(message);
  switch (verdict.kind) {
    case 'accept':
      if (verdict.store) run.setVariable(verdict.store.variable, verdict.store.value);
      return follow(verdict.handle);
    case 'broken':
      return fail(`"${node.id}": ${verdict.reason}`);
    case 'reject': {
      const attempts = run.attempts + 1;
      if (attempts > maxRetries(node.data)) return leave(node, run, INVALID_HANDLE);
      // an author's empty invalidText means: wait again without a word
      const reprompt = renderTextMessage(run, node.data.invalidText ?? defaultInvalidText);
      if (reprompt) run.send(reprompt);
      return waitForReply(node, run, attempts);
    }
  }
}

export function timedOut(node: WaitingNode, run: NodeRun): Transition {
  return leave(node, run, TIMEOUT_HANDLE);
}

function waitForReply(node: WaitingNode, run: NodeRun, attempts: number): Transition {
  const { timeoutSeconds } = node.data;
  const timerAt = timeoutSeconds === undefined ? null : run.now + Math.round(timeoutSeconds * 1000);
  return { kind: 'wait', status: 'Paused', timerAt, attempts };
}

function leave(node: WaitingNode, run: NodeRun, reason: EndReason): Transition {
  if (run.hasEdge(node.id, reason)) return follow(reason);
  const closing = renderTextMessage(run, endText(run.definition, reason));
  if (closing) run.send(closing);
  return complete;
}
