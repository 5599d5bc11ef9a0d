/**
 * Fills the secrets of a flow's HTTP request just before it is sent, and keeps their values out of
 * what its failure says. Only the secret markers the engine put where the flow's author wrote
 * `{{secrets.NAME}}` are filled (flows/interpolate.ts): `{{secrets.…}}` text that came in through a
 * value (a contact's answer, a profile name, an earlier API answer) is sent as it is.
 *
 * Each value is escaped for where it lands: percent-encoded in the URL, without line breaks in a
 * header, JSON-escaped in a JSON body and form-encoded in a form body (as the engine escapes the
 * values around it). A secret that is not set fails the request (the flow leaves by `error`)
 * instead of sending an empty credential.
 */
import { bodyEscape, formComponent, jsonStringContent } from '../engine/nodes/http-request.js';
import type { HttpRequestSpec, HttpResult } from '../engine/types.js';
import { replaceSecretMarkers } from '../flows/interpolate.js';
import type { Redact, SafeHttpRequest } from '../safe-http/index.js';

/** The secrets a request was filled with: name → value. */
export type FilledSecrets = ReadonlyMap<string, string>;

export type Filled =
  | {
      ok: true;
      /** Carries its redaction, for safe-http to apply to each quote before it cuts the quote. */
      request: SafeHttpRequest & { redact: Redact };
      secrets: FilledSecrets;
    }
  | { ok: false; error: string };

type Escape = (value: string) => string;

const inUrl: Escape = encodeURIComponent;
const inHeader: Escape = (value) => value.replace(/[\r\n]+/g, ' ');
const asIs: Escape = (value) => value;

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
  const inBody = bodyEscape(request.headers) ?? asIs;
  const sent: HttpRequestSpec = {
    ...request,
    url: fill(request.url, inUrl),
    headers: Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, fill(value, inHeader)])),
    body: request.body === null ? null : fill(request.body, inBody),
  };
  if (missing.size > 0) return { ok: false, error: `secret ${[...missing].map((name) => `"${name}"`).join(', ')} is not set` };
  return { ok: true, request: { ...sent, redact: secretRedactor(filled) }, secrets: filled };
}

/**
 * The result with each filled secret replaced by `[secret NAME]` in its error text. That text is
 * stored (the inbox, the session's error, shown by the API) and may quote a URL or an answer that
 * echoes the credential.
 */
export function redactSecrets(result: HttpResult, secrets: FilledSecrets): HttpResult {
  return result.ok ? result : { ...result, error: secretRedactor(secrets)(result.error) };
}

/** Shorter starts of a secret are left: they would hide ordinary words more often than a secret. */
const MIN_START_LENGTH = 8;

interface Spelling {
  /** Code units, each lower-cased on its own: compared ignoring case without moving positions. */
  units: string[];
  label: string;
}

/**
 * Replaces every spelling of a filled secret (`spellingsOf`), in any case, and any start of one at
 * least MIN_START_LENGTH long (an answer that quotes part of a key, a text cut off), by
 * `[secret NAME]`, the longest match first. Labels already in the text are kept as they are, so
 * redacting twice (safe-http's quotes, then the whole failure) changes nothing more.
 */
function secretRedactor(secrets: FilledSecrets): Redact {
  const spellings: Spelling[] = [...secrets].flatMap(([name, value]) =>
    spellingsOf(value).map((spelling) => ({ units: foldedUnits(spelling), label: `[secret ${name}]` })),
  );
  const labels = [...new Set(spellings.map(({ label }) => label))];
  return (text) => {
    const units = foldedUnits(text);
    let redacted = '';
    for (let at = 0; at < text.length; ) {
      const label = labels.find((candidate) => text.startsWith(candidate, at));
      const match = label === undefined ? longestMatch(units, at, spellings) : { label, length: label.length };
      if (match === undefined) {
        redacted += text.charAt(at);
        at++;
      } else {
        redacted += match.label;
        at += match.length;
      }
    }
    return redacted;
  };
}

function longestMatch(units: readonly string[], at: number, spellings: readonly Spelling[]): { length: number; label: string } | undefined {
  let best: { length: number; label: string } | undefined;
  for (const spelling of spellings) {
    let length = 0;
    while (length < spelling.units.length && units[at + length] === spelling.units[length]) length++;
    const counts = length === spelling.units.length || length >= MIN_START_LENGTH;
    if (counts && length > (best?.length ?? 0)) best = { length, label: spelling.label };
  }
  return best;
}

function foldedUnits(text: string): string[] {
  return Array.from({ length: text.length }, (_, index) => text.charAt(index).toLowerCase());
}

/**
 * The value as a failure may quote it: as set; as escaped into the request (percent-encoded,
 * without line breaks, JSON-escaped); as the URL parser writes the URL back (it percent-encodes `'`
 * in a query, which encodeURIComponent leaves); as a form encodes it (URLSearchParams: spaces as
 * `+`); JSON-escaped with `\/`, as PHP writes JSON. Case is ignored when matching: the URL parser
 * lower-cases hosts, and percent-encoding's hex digits come in either case.
 */
function spellingsOf(value: string): string[] {
  const json = jsonStringContent(value);
  const spellings = [
    value,
    inUrl(value),
    inUrl(value).replaceAll("'", '%27'),
    formComponent(value),
    inHeader(value),
    json,
    json.replaceAll('/', '\\/'),
  ];
  return [...new Set(spellings)].filter((spelling) => spelling !== '');
}
