/**
 * `{{name}}` placeholders in flow texts. Whitespace inside the braces is allowed. Names follow
 * VARIABLE_NAME_PATTERN; anything else between braces is left as it is. A placeholder with no
 * value renders as the empty string, never "undefined".
 */

import { VARIABLE_NAME } from './definition.js';

/** Values a placeholder can take besides the flow's own variables. */
export interface InterpolationScope {
  variables: Readonly<Record<string, string>>;
  contact: { name: string | null; phone: string };
  /** Text of the user's latest message, if any. */
  input: string | null;
}

/** Names the engine always provides; flows cannot set them. */
export const BUILT_IN_NAMES = ['contact.name', 'contact.phone', 'input'] as const;

/**
 * `{{secrets.NAME}}` names a tenant secret (an API key…). The engine never sees its value: HTTP
 * requests keep the placeholder and the worker fills it in just before sending, so a secret never
 * reaches session state, messages, events or logs. Anywhere else it renders empty.
 */
export const SECRETS_PREFIX = 'secrets.';

export function isSecretReference(name: string): boolean {
  return name.startsWith(SECRETS_PREFIX);
}

export function isReservedVariable(name: string): boolean {
  return name === 'input' || name === 'contact' || name.startsWith('contact.') || name === 'secrets' || isSecretReference(name);
}

const PLACEHOLDER = new RegExp(`\\{\\{\\s*(${VARIABLE_NAME})\\s*\\}\\}`, 'g');

export interface InterpolateOptions {
  /** Applied to each value (e.g. percent-encoding for URLs). */
  encode?: (value: string) => string;
  /** Leave `{{secrets.…}}` placeholders for the worker to fill (HTTP requests only). */
  keepSecrets?: boolean;
}

export function interpolate(text: string, scope: InterpolationScope, options: InterpolateOptions = {}): string {
  const encode = options.encode ?? ((value: string) => value);
  return text.replace(PLACEHOLDER, (match, name: string) =>
    options.keepSecrets && isSecretReference(name) ? match : encode(resolve(name, scope)),
  );
}

function resolve(name: string, scope: InterpolationScope): string {
  switch (name) {
    case 'contact.name':
      return scope.contact.name ?? '';
    case 'contact.phone':
      return scope.contact.phone;
    case 'input':
      return scope.input ?? '';
    default:
      // own properties only: `{{constructor}}` must not render Object's constructor
      return Object.hasOwn(scope.variables, name) ? (scope.variables[name] ?? '') : '';
  }
}

/** The names a text's placeholders refer to, in order of first appearance, without repeats. */
export function referencedVariables(text: string): string[] {
  return [...new Set(Array.from(text.matchAll(PLACEHOLDER), (match) => match[1] ?? ''))];
}
