/**
 * A flow's settings and node options with their defaults applied, for the engine, the linter and
 * the conversation worker (which decides when a session expires or restarts).
 */
import {
  DEFAULT_MAX_RETRIES,
  DEFAULT_SESSION_TIMEOUT_MINUTES,
  HTTP_TIMEOUT_DEFAULT_MS,
  HTTP_TIMEOUT_MAX_MS,
} from './constants.js';
import type { FlowDefinition } from './definition.js';
import { normalizeText } from './trigger.js';

/** How long a session may stay idle before it expires (`settings.sessionTimeoutMinutes`, default 24 h). */
export function sessionTimeoutMs(definition: FlowDefinition): number {
  return (definition.settings?.sessionTimeoutMinutes ?? DEFAULT_SESSION_TIMEOUT_MINUTES) * 60_000;
}

/** Whether the text is one of the flow's restart keywords, compared as triggers are (case, accents, spaces). */
export function isRestartKeyword(definition: FlowDefinition, text: string | null): boolean {
  if (text === null) return false;
  const said = normalizeText(text);
  return said !== '' && (definition.settings?.restartKeywords ?? []).some((keyword) => normalizeText(keyword) === said);
}

export type EndReason = 'invalid' | 'timeout';

const DEFAULT_END_TEXTS: Record<EndReason, string> = {
  invalid: "Sorry, I couldn't understand your answer, so I'll stop here. Send a message anytime to start again.",
  timeout: "I haven't heard back, so I'm closing this conversation. Send a message anytime to start again.",
};

/** What to say when a wait ends unwired by `invalid` or `timeout`; "" means say nothing. */
export function endText(definition: FlowDefinition, reason: EndReason): string {
  return definition.settings?.endTexts?.[reason] ?? DEFAULT_END_TEXTS[reason];
}

export function maxRetries(data: { maxRetries?: number | undefined }): number {
  return data.maxRetries ?? DEFAULT_MAX_RETRIES;
}

/** A request's timeout: the node's own, default 10 s, never more than 30 s. */
export function httpTimeoutMs(data: { timeoutMs?: number | undefined }): number {
  return Math.min(data.timeoutMs ?? HTTP_TIMEOUT_DEFAULT_MS, HTTP_TIMEOUT_MAX_MS);
}
