import { HTTP_RESULT_GRACE_MS } from '../../flows/constants.js';
import type { NodeOfType } from '../../flows/definition.js';
import { hasSecretMarkers, showSecretMarkers } from '../../flows/interpolate.js';
import { mapJsonStrings } from '../../flows/json.js';
import { httpTimeoutMs } from '../../flows/settings.js';
import { originChosenByValues } from '../../flows/url-origin.js';
import { readPath, stringifyValue } from '../json-path.js';
import { type NodeHandler, type NodeRun, type Transition, fail, follow, stay } from '../node-handler.js';
import type { HttpRequestSpec, HttpResult } from '../types.js';

type HttpNode = NodeOfType<'httpRequest'>;

/**
 * Asks the caller to perform a request (an `http` effect) and waits, status Active (the bot is
 * busy, not waiting for the user), for its result. The caller applies the network rules (SSRF
 * guard, size caps); the engine only builds the request. A timer at the request's timeout plus a
 * grace period leaves by `error` if no result ever comes, so a crashed caller cannot wedge the
 * session; a result arriving after that is stale and ignored.
 *
 * A 2xx result leaves by `success` after `saveAs` copies values out of the JSON body (a missing
 * path unsets its variable); anything else leaves by `error`, or errors the session when `error`
 * is not wired. Messages during the wait only update `{{input}}`.
 */
export const httpRequest: NodeHandler<HttpNode> = {
  enter(node, run) {
    const request = buildRequest(node, run);
    if (typeof request === 'string') return failed(node, run, request);
    run.request(node.id, request);
    return { kind: 'wait', status: 'Active', timerAt: run.now + request.timeoutMs + HTTP_RESULT_GRACE_MS, attempts: 0 };
  },
  onHttpResult(node, run, result) {
    if (!isSuccess(result)) return failed(node, run, describe(result));
    for (const [variable, path] of Object.entries(node.data.saveAs ?? {})) {
      const value = readPath(result.body, path);
      if (value === undefined) run.unsetVariable(variable);
      else run.setVariable(variable, stringifyValue(value));
    }
    return follow('success');
  },
  onTimer: (node, run) => failed(node, run, 'no result arrived in time'),
  onMessage: () => stay,
};

function isSuccess(result: HttpResult): result is Extract<HttpResult, { ok: true }> {
  return result.ok && result.status >= 200 && result.status < 300;
}

function describe(result: HttpResult): string {
  if (result.ok) return `HTTP ${result.status}`;
  return result.status === null ? result.error : `HTTP ${result.status}: ${result.error}`;
}

function failed(node: HttpNode, run: NodeRun, reason: string): Transition {
  if (run.hasEdge(node.id, 'error')) return follow('error');
  return fail(`"${node.id}": request failed (${reason}) and "error" is not wired`);
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * The author's `{{secrets.…}}` become markers the worker fills in when it sends the request; a
 * value that spells a placeholder (a contact's answer…) stays text and is sent as it is.
 */
const markSecrets = { markSecrets: true } as const;

/** Whether the request carries any of the author's secrets (markers for the worker to fill). */
export function usesSecrets(request: HttpRequestSpec): boolean {
  return [request.url, request.body ?? '', ...Object.values(request.headers)].some(hasSecretMarkers);
}

/** A value as the content of a JSON string: a quote in it cannot end the string. */
export function jsonStringContent(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}

/** A value as one part of a form body (as URLSearchParams writes it): `&` or `=` in it cannot add a field. */
export function formComponent(value: string): string {
  return new URLSearchParams([['', value]]).toString().slice(1);
}

/**
 * How values are escaped in a string body with these headers: JSON-escaped in JSON, form-encoded
 * in a form, as they are otherwise. The worker escapes secrets there the same way.
 */
export function bodyEscape(headers: Readonly<Record<string, string>>): ((value: string) => string) | null {
  const type = headers['content-type'] ?? '';
  if (/json/i.test(type)) return jsonStringContent;
  if (/application\/x-www-form-urlencoded/i.test(type)) return formComponent;
  return null;
}

/** A string body that starts as JSON does (`{{…}}` is a placeholder, not an object). */
const JSON_SHAPED = /^\s*(?:\[|\{(?!\{))/;

/**
 * The request spec, or why there is none. Values interpolated into the URL are percent-encoded
 * (user text cannot add path segments or query parameters); header values lose line breaks
 * (no header injection); values in a JSON body are JSON-escaped (a JSON value has its strings
 * interpolated and is then serialised; a string body is sent as JSON when its content type says so
 * or, with none, when it looks like JSON) and in a form body form-encoded, so an answer cannot add
 * keys or fields. GET sends no body.
 * Secrets go only where the author chose: a request whose origin a value chooses fails if it uses any.
 */
function buildRequest(node: HttpNode, run: NodeRun): HttpRequestSpec | string {
  const { method, headers = {}, body } = node.data;
  const url = run.interpolate(node.data.url, { encode: encodeURIComponent, ...markSecrets }).trim();
  // Checked with the author's placeholders in place of markers: a secret may name the host.
  const written = showSecretMarkers(url);
  if (!URL.canParse(written) || !/^https?:$/.test(new URL(written).protocol)) return `"${written.slice(0, 100)}" is not an http(s) URL`;

  const rendered: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (HEADER_NAME.test(name)) rendered[name.toLowerCase()] = run.interpolate(value, markSecrets).replace(/[\r\n]+/g, ' ');
  }
  let payload: string | null = null;
  if (method !== 'GET' && body !== undefined) {
    if (typeof body !== 'string') {
      payload = JSON.stringify(mapJsonStrings(body, (text) => run.interpolate(text, markSecrets)));
      rendered['content-type'] ??= 'application/json';
    } else {
      if (JSON_SHAPED.test(body)) rendered['content-type'] ??= 'application/json';
      // Escaped as the worker escapes secrets there: an answer cannot end its string or add a field.
      const escape = bodyEscape(rendered);
      payload = run.interpolate(body, escape ? { encode: escape, ...markSecrets } : markSecrets);
    }
  }
  const request: HttpRequestSpec = { method, url, headers: rendered, body: payload, timeoutMs: httpTimeoutMs(node.data) };
  const template = node.data.url;
  if (usesSecrets(request) && originChosenByValues((value) => showSecretMarkers(run.interpolate(template, { encode: () => value, ...markSecrets }).trim()))) {
    return `secrets are not sent to a host a value chooses: a placeholder stands in the scheme, user info, host or port of "${template.slice(0, 100)}"`;
  }
  return request;
}
