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
 * `{{secrets.NAME}}` names a tenant secret (an API key…). The engine never sees its value: in an
 * HTTP request the placeholder becomes a secret marker (`markSecrets`) and the worker fills in the
 * markers just before sending, so a secret never reaches session state, messages, events or logs.
 * Anywhere else it renders empty.
 */
export const SECRETS_PREFIX = 'secrets.';

/**
 * A secret marker is the secret's name between two private-use code points. `markSecrets` removes
 * these two characters from every value and from the template's own text, so the only markers in
 * its result stand where the flow's author wrote `{{secrets.NAME}}`: a contact who types
 * `{{secrets.X}}` (or U+E000 X U+E001) gets that text sent as it is, never a secret.
 */
const MARKER_OPEN = '\uE000';
const MARKER_CLOSE = '\uE001';
const MARKER_CHARACTERS = /[\uE000\uE001]/g;
const SECRET_MARKER = /\uE000([^\uE000\uE001]*)\uE001/g;

function secretMarker(reference: string): string {
  return `${MARKER_OPEN}${reference.slice(SECRETS_PREFIX.length)}${MARKER_CLOSE}`;
}

function withoutMarkerCharacters(text: string): string {
  return text.replace(MARKER_CHARACTERS, '');
}

export function hasSecretMarkers(text: string): boolean {
  return text.includes(MARKER_OPEN);
}

/** The text with each secret marker replaced by what `replace` gives for the secret's name. */
export function replaceSecretMarkers(text: string, replace: (name: string) => string): string {
  return text.replace(SECRET_MARKER, (_marker, name: string) => replace(name));
}

/** The text with its markers written back as the author wrote them, `{{secrets.NAME}}`. */
export function showSecretMarkers(text: string): string {
  return replaceSecretMarkers(text, (name) => `{{${SECRETS_PREFIX}${name}}}`);
}

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
  /**
   * Turn `{{secrets.…}}` placeholders into secret markers for the worker to fill (HTTP requests
   * only), removing marker characters from everything else.
   */
  markSecrets?: boolean;
}

export function interpolate(text: string, scope: InterpolationScope, options: InterpolateOptions = {}): string {
  const encode = options.encode ?? ((value: string) => value);
  if (options.markSecrets) {
    return withoutMarkerCharacters(text).replace(PLACEHOLDER, (_match, name: string) =>
      isSecretReference(name) ? secretMarker(name) : encode(withoutMarkerCharacters(resolve(name, scope))),
    );
  }
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

/**
 * The text with every placeholder replaced by `mask` (or what it gives for the placeholder's
 * name): what of it is written out, for the linter.
 */
export function maskPlaceholders(text: string, mask: string | ((name: string) => string)): string {
  return text.replace(PLACEHOLDER, (_match, name: string) => (typeof mask === 'string' ? mask : mask(name)));
}

/** The names a text's placeholders refer to, in order of first appearance, without repeats. */
export function referencedVariables(text: string): string[] {
  return [...new Set(Array.from(text.matchAll(PLACEHOLDER), (match) => match[1] ?? ''))];
}
