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

export function isReservedVariable(name: string): boolean {
  return name === 'input' || name === 'contact' || name.startsWith('contact.');
}

const PLACEHOLDER = new RegExp(`\\{\\{\\s*(${VARIABLE_NAME})\\s*\\}\\}`, 'g');

export function interpolate(
  text: string,
  scope: InterpolationScope,
  encode: (value: string) => string = (value) => value,
): string {
  return text.replace(PLACEHOLDER, (_match, name: string) => encode(resolve(name, scope)));
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
