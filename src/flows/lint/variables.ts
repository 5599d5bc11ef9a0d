/**
 * Variables: flows may not set the built-in names, and a placeholder whose variable no path from
 * the start has set yet renders empty, which is worth a warning.
 */
import { INVALID_HANDLE, TIMEOUT_HANDLE } from '../constants.js';
import type { FlowNode } from '../definition.js';
import { type JsonValue, mapJsonStrings } from '../json.js';
import { BUILT_IN_NAMES, isReservedVariable, isSecretReference, referencedVariables } from '../interpolate.js';
import type { LintContext } from './report.js';

export function checkVariables(context: LintContext): void {
  for (const node of context.definition.nodes) {
    for (const name of setsVia(node, null)) {
      if (isReservedVariable(name)) {
        context.error('reserved-variable', `"${node.id}" sets "${name}", a name the engine provides; pick another.`, {
          nodeId: node.id,
        });
      }
    }
  }
  const known = knownBefore(context);
  for (const node of context.definition.nodes) {
    const before = known.get(node.id);
    if (!before) continue; // unreachable: reported elsewhere
    const used = new Set(interpolatedTexts(node).flatMap(referencedVariables));
    for (const name of used) {
      if (isSecretReference(name)) {
        if (node.type !== 'httpRequest') {
          context.warn('secret-outside-request', `"${node.id}" uses {{${name}}}: secrets are filled in only in HTTP requests; here it renders empty.`, {
            nodeId: node.id,
          });
        }
        continue;
      }
      if (before.has(name) || (BUILT_IN_NAMES as readonly string[]).includes(name)) continue;
      context.warn(
        'variable-used-before-set',
        `"${node.id}" uses {{${name}}}, which nothing has set yet on the way here; it will render empty.`,
        { nodeId: node.id },
      );
    }
  }
}

/** For each node reachable from the start: the variables some path to it may have set. */
function knownBefore(context: LintContext): Map<string, Set<string>> {
  const { graph } = context;
  const known = new Map<string, Set<string>>();
  const queue: string[] = [];
  const predefined = context.options.predefinedVariables ?? [];
  for (const node of context.definition.nodes) {
    if (node.type === 'start' && !known.has(node.id)) {
      known.set(node.id, new Set(predefined));
      queue.push(node.id);
    }
  }
  for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
    const node = graph.node(id);
    const before = known.get(id);
    if (!node || !before) continue;
    for (const link of graph.links(id)) {
      const after = [...before, ...setsVia(node, link.handle)];
      const target = known.get(link.target) ?? new Set<string>();
      const size = target.size;
      for (const name of after) target.add(name);
      if (!known.has(link.target) || target.size > size) {
        known.set(link.target, target);
        queue.push(link.target);
      }
    }
  }
  return known;
}

/** Variables a node sets when it is left through `handle` (null: through any). */
function setsVia(node: FlowNode, handle: string | null): string[] {
  const replied = handle !== INVALID_HANDLE && handle !== TIMEOUT_HANDLE;
  switch (node.type) {
    case 'setVariable':
      return [node.data.variable];
    case 'question':
      return replied ? [node.data.variable] : [];
    case 'buttons':
    case 'list':
    case 'locationRequest':
      return replied && node.data.variable !== undefined ? [node.data.variable] : [];
    case 'httpRequest':
      return handle === null || handle === 'success' ? Object.keys(node.data.saveAs ?? {}) : [];
    default:
      return [];
  }
}

/** Every text of a node that placeholders are filled in. */
function interpolatedTexts(node: FlowNode): string[] {
  const optional = (...values: (string | undefined)[]) => values.filter((value): value is string => value !== undefined);
  switch (node.type) {
    case 'message':
      return [node.data.text];
    case 'setVariable':
      return [node.data.value];
    case 'media':
      return optional(node.data.url, node.data.caption);
    case 'buttons':
      return [
        ...optional(node.data.text, node.data.header, node.data.footer, node.data.invalidText),
        ...node.data.buttons.map((button) => button.title),
      ];
    case 'list':
      return [
        ...optional(node.data.text, node.data.header, node.data.footer, node.data.invalidText, node.data.buttonLabel),
        ...node.data.sections.flatMap((section) => [
          ...optional(section.title),
          ...section.rows.flatMap((row) => optional(row.title, row.description)),
        ]),
      ];
    case 'question':
    case 'locationRequest':
      return optional(node.data.text, node.data.invalidText);
    case 'condition':
      // isSet/isEmpty exist to test variables that may not be set
      return node.data.rules.flatMap((rule) => {
        if (!('right' in rule)) return [];
        return rule.op === 'regex' ? [rule.left] : [rule.left, rule.right];
      });
    case 'httpRequest':
      return [node.data.url, ...Object.values(node.data.headers ?? {}), ...jsonStrings(node.data.body)];
    case 'template':
      return (node.data.components ?? []).flatMap((component) => component.parameters.map((parameter) => parameter.text));
    case 'handoff':
    case 'end':
      return optional(node.data.text);
    case 'ctaUrl':
      return optional(node.data.text, node.data.header, node.data.footer, node.data.buttonText, node.data.url);
    case 'location':
      return optional(node.data.name, node.data.address);
    case 'start':
    case 'delay':
    case 'goto':
    case 'randomSplit':
    case 'reaction':
      return [];
  }
}

function jsonStrings(value: JsonValue | undefined): string[] {
  const strings: string[] = [];
  if (value !== undefined) mapJsonStrings(value, (text) => (strings.push(text), text));
  return strings;
}
