/** Node options that are well-formed but cannot work as written. */
import { HTTP_TIMEOUT_MAX_MS } from '../constants.js';
import type { FlowNode, HttpRequestData } from '../definition.js';
import { isSecretReference, maskPlaceholders, referencedVariables } from '../interpolate.js';
import { mapJsonStrings, type JsonValue } from '../json.js';
import { compileSafeRegex } from '../safe-regex.js';
import { originChosenByValues } from '../url-origin.js';
import type { LintContext } from './report.js';

export function checkNodeRules(context: LintContext): void {
  for (const node of context.definition.nodes) checkNode(context, node);
}

function checkNode(context: LintContext, node: FlowNode): void {
  const where = { nodeId: node.id };
  switch (node.type) {
    case 'question': {
      const validation = node.data.validation;
      if (validation?.type === 'regex') checkPattern(context, node, validation.pattern);
      if (validation?.type !== 'text' && validation?.type !== 'number') break;
      const { min, max } = validation;
      if (min !== undefined && max !== undefined && min > max) {
        context.error('invalid-bounds', `"${node.id}": min (${min}) is above max (${max}); no answer can pass.`, where);
      }
      break;
    }
    case 'condition':
      if (node.data.rules.length === 0) {
        const always = node.data.match === 'all' ? 'true' : 'false';
        context.warn('no-rules', `"${node.id}" has no rules: it always leaves by "${always}".`, where);
      }
      for (const rule of node.data.rules) if (rule.op === 'regex') checkPattern(context, node, rule.right, rule.ignoreCase);
      break;
    case 'randomSplit':
      if (node.data.branches.length === 0) {
        context.error('no-branches', `"${node.id}" has no branches: every session reaching it would end Errored.`, where);
      } else if (node.data.branches.every((branch) => (branch.weight ?? 1) === 0)) {
        context.error('zero-weights', `"${node.id}": every branch has weight 0.`, where);
      }
      break;
    case 'ctaUrl':
      checkUrl(context, node, node.data.url);
      break;
    case 'media':
      if (node.data.url !== undefined) checkUrl(context, node, node.data.url);
      break;
    case 'httpRequest':
      checkUrl(context, node, node.data.url);
      checkSecretsKeepTheirHost(context, node, node.data);
      if (node.data.timeoutMs !== undefined && node.data.timeoutMs > HTTP_TIMEOUT_MAX_MS) {
        context.warn('http-timeout-capped', `"${node.id}": timeoutMs is capped at ${HTTP_TIMEOUT_MAX_MS}.`, where);
      }
      if (node.data.method === 'GET' && node.data.body !== undefined) {
        context.warn('http-body-ignored', `"${node.id}": a GET request sends no body.`, where);
      }
      break;
    case 'template':
      for (const [index, component] of (node.data.components ?? []).entries()) {
        if (component.type !== 'button' || (component.sub_type !== undefined && component.index !== undefined)) continue;
        context.error(
          'template-button-incomplete',
          `"${node.id}": button component ${index + 1} needs sub_type and index; Meta refuses the template without them.`,
          where,
        );
      }
      break;
    default:
      break;
  }
}

/** Compiled as the engine will run it: case folding can change the program's size. */
function checkPattern(context: LintContext, node: FlowNode, pattern: string, ignoreCase = false): void {
  const compiled = compileSafeRegex(pattern, { ignoreCase });
  if (!compiled.ok) {
    context.error('invalid-regex', `"${node.id}": pattern ${JSON.stringify(pattern)} is not usable: ${compiled.error}.`, {
      nodeId: node.id,
    });
  }
}

/**
 * The engine refuses to send secrets where a value (anything but a secret) stands in the URL's
 * scheme, user info, host or port, since a contact's text could then pick the host: such a
 * request always fails, so it is an error here (`originChosenByValues`, as the engine reads it).
 */
function checkSecretsKeepTheirHost(context: LintContext, node: FlowNode, data: HttpRequestData): void {
  const texts = [data.url, ...Object.values(data.headers ?? {}), ...(data.body === undefined ? [] : stringsIn(data.body))];
  if (!texts.some((text) => referencedVariables(text).some(isSecretReference))) return;
  const written = data.url.trim();
  if (!originChosenByValues((value) => maskPlaceholders(written, (name) => (isSecretReference(name) ? 'secret' : value)))) return;
  context.error(
    'secret-to-chosen-host',
    `"${node.id}": the request uses a secret, but a placeholder stands in its URL's scheme, user info, host or port; secrets are never sent where a value chooses, so it would always fail.`,
    { nodeId: node.id },
  );
}

function stringsIn(value: JsonValue): string[] {
  const found: string[] = [];
  mapJsonStrings(value, (text) => {
    found.push(text);
    return text;
  });
  return found;
}

/**
 * Meta refuses links that are not absolute http(s) URLs (and a request fails the same way): the
 * URL as written, each placeholder standing for a value that fits anywhere ("0"), needs the
 * scheme and a host. One that starts with a placeholder takes both from its value, unseen here.
 */
function checkUrl(context: LintContext, node: FlowNode, url: string): void {
  const trimmed = url.trim();
  const written = maskPlaceholders(trimmed, '0');
  if (trimmed.startsWith('{{') && !written.startsWith('{{')) return;
  if (/^https?:\/\//i.test(written) && URL.canParse(written) && new URL(written).hostname !== '') return;
  context.error('invalid-url', `"${node.id}": url ${JSON.stringify(url.slice(0, 100))} is not an http(s) URL with a host; WhatsApp refuses it.`, {
    nodeId: node.id,
  });
}
