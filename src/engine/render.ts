/**
 * Turning flow texts into Cloud API content that never breaks a limit, whatever the variables
 * hold. Texts are interpolated, then cut with "…" to their limit; optional texts that come out
 * empty are left out; required ones fall back to a neutral text. Counts and ids cannot grow at
 * run time, so breaking them is reported (the caller errors the session) rather than repaired.
 */
import { LIMITS } from '../whatsapp/limits.js';
import type { InteractiveHeaderText, TextContent } from '../whatsapp/outbound.js';
import { normalizeText } from '../flows/trigger.js';
import { fitText } from './fit.js';
import type { NodeRun } from './node-handler.js';

export type Rendered<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Interpolated, cut to `max`; null when nothing but spaces is left. */
export function renderOptional(run: NodeRun, text: string | undefined, max: number): string | null {
  if (text === undefined) return null;
  const value = fitText(run.interpolate(text), max);
  return value.trim() === '' ? null : value;
}

export function renderRequired(run: NodeRun, text: string, max: number, fallback: string): string {
  return renderOptional(run, text, max) ?? fitText(fallback, max);
}

/** A text message, or null when the text comes out empty (nothing to say). */
export function renderTextMessage(run: NodeRun, text: string, previewUrl?: boolean): TextContent | null {
  const body = renderOptional(run, text, LIMITS.textBody);
  if (body === null) return null;
  return { type: 'text', text: previewUrl ? { body, preview_url: true } : { body } };
}

export interface Frame {
  header?: InteractiveHeaderText;
  body: { text: string };
  footer?: { text: string };
}

const FALLBACK_BODY = 'Please choose an option.';

/** Body, header and footer of an interactive message. */
export function renderFrame(
  run: NodeRun,
  data: { text: string; header?: string | undefined; footer?: string | undefined },
): Frame {
  const header = renderOptional(run, data.header, LIMITS.headerText);
  const footer = renderOptional(run, data.footer, LIMITS.footerText);
  return {
    ...(header === null ? {} : { header: { type: 'text', text: header } }),
    body: { text: renderRequired(run, data.text, LIMITS.interactiveBody, FALLBACK_BODY) },
    ...(footer === null ? {} : { footer: { text: footer } }),
  };
}

export interface Choice {
  id: string;
  title: string;
}

/**
 * Choices as sent: ids checked (they route replies and cannot be repaired), titles interpolated,
 * cut, defaulted to "Option N" and made unique (as a typed title is compared) by a " (2)" suffix.
 */
export function renderChoices(
  run: NodeRun,
  choices: readonly { id: string; title: string }[],
  limits: { title: number; id: number },
): Rendered<Choice[]> {
  const ids = new Set<string>();
  for (const { id } of choices) {
    if (id.length > limits.id) return { ok: false, reason: `choice id "${id.slice(0, 20)}…" is longer than ${limits.id}` };
    if (ids.has(id)) return { ok: false, reason: `choice id "${id}" is used twice` };
    ids.add(id);
  }
  const taken = new Set<string>();
  const rendered = choices.map((choice, i) => {
    const title = unique(renderRequired(run, choice.title, limits.title, `Option ${i + 1}`), limits.title, taken);
    return { id: choice.id, title };
  });
  return { ok: true, value: rendered };
}

function unique(title: string, max: number, taken: Set<string>): string {
  let candidate = title;
  for (let n = 2; taken.has(normalizeText(candidate)); n += 1) {
    const suffix = ` (${n})`;
    candidate = fitText(title, max - suffix.length) + suffix;
  }
  taken.add(normalizeText(candidate));
  return candidate;
}
