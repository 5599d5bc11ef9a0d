/**
 * Fills the secrets of a flow's HTTP request just before it is sent, and keeps their values out of
 * what its failure says. Only the secret markers the engine put where the flow's author wrote
 * `{{secrets.NAME}}` are filled (flows/interpolate.ts): `{{secrets.…}}` text that came in through a
 * value (a contact's answer, a profile name, an earlier API answer) is sent as it is.
 *
 * Each value is escaped for where it lands: percent-encoded in the URL, without line breaks in a
 * header, JSON-escaped in a JSON body. A secret that is not set fails the request (the flow leaves
 * by `error`) instead of sending an empty credential.
 */
import type { HttpRequestSpec, HttpResult } from '../engine/types.js';
import { hasSecretMarkers, replaceSecretMarkers } from '../flows/interpolate.js';

/** The secrets a request was filled with: name → value. */
export type FilledSecrets = ReadonlyMap<string, string>;

export type Filled = { ok: true; request: HttpRequestSpec; secrets: FilledSecrets } | { ok: false; error: string };

type Escape = (value: string) => string;

const inUrl: Escape = encodeURIComponent;
const inHeader: Escape = (value) => value.replace(/[\r\n]+/g, ' ');
const inJson: Escape = (value) => JSON.stringify(value).slice(1, -1);
const asIs: Escape = (value) => value;

export function usesSecrets(request: HttpRequestSpec): boolean {
  return [request.url, request.body ?? '', ...Object.values(request.headers)].some(hasSecretMarkers);
}

export function fillSecrets(request: HttpRequestSpec, secrets: ReadonlyMap<string, string>): Filled {
  const filled = new Map<string, string>();
  const missing = new Set<string>();
  const fill = (text: string, escape: Escape) =>
    replaceSecretMarkers(text, (name) => {
      const value = secrets.get(name);
      if (value === undefined) missing.add(name);
      else filled.set(name, value);
      return escape(value ?? '');
    });
  const bodyEscape = /json/i.test(request.headers['content-type'] ?? '') ? inJson : asIs;
  const sent: HttpRequestSpec = {
    ...request,
    url: fill(request.url, inUrl),
    headers: Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, fill(value, inHeader)])),
    body: request.body === null ? null : fill(request.body, bodyEscape),
  };
  if (missing.size > 0) return { ok: false, error: `secret ${[...missing].map((name) => `"${name}"`).join(', ')} is not set` };
  return { ok: true, request: sent, secrets: filled };
}

/**
 * The result with each filled secret, as sent or as escaped, replaced by `[secret NAME]` in its
 * error text. That text is stored (the inbox, the session's error, shown by the API) and may quote
 * a URL or an answer that echoes the credential.
 */
export function redactSecrets(result: HttpResult, secrets: FilledSecrets): HttpResult {
  return result.ok ? result : { ...result, error: redactText(result.error, secrets) };
}

function redactText(text: string, secrets: FilledSecrets): string {
  const spellings = [...secrets]
    .flatMap(([name, value]) => spellingsOf(value).map((spelling) => ({ spelling, label: `[secret ${name}]` })))
    // Longest first: a secret that contains another is replaced whole.
    .sort((a, b) => b.spelling.length - a.spelling.length);
  let redacted = text;
  for (const { spelling, label } of spellings) redacted = redactCutEnd(redacted.split(spelling).join(label), spelling, label);
  return redacted;
}

/** The value as it may appear in a failure: as set, and as escaped into the request. */
function spellingsOf(value: string): string[] {
  return [...new Set([asIs, inUrl, inHeader, inJson].map((escape) => escape(value)))].filter((spelling) => spelling !== '');
}

const CLIP_MARK = '…';
/** Shorter starts are left: they would hide ordinary words more often than they hide a secret. */
const MIN_CUT_START = 4;

/** Failure texts quote at most a few hundred characters ("…" after the cut): a secret cut there leaves its start. */
function redactCutEnd(text: string, spelling: string, label: string): string {
  if (!text.endsWith(CLIP_MARK)) return text;
  const kept = text.slice(0, -CLIP_MARK.length);
  for (let length = spelling.length - 1; length >= MIN_CUT_START; length--) {
    if (kept.endsWith(spelling.slice(0, length))) return `${kept.slice(0, -length)}${label}${CLIP_MARK}`;
  }
  return text;
}
