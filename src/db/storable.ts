/**
 * What the database can store. PostgreSQL refuses NUL characters and unpaired UTF-16 surrogates
 * in text and jsonb, and jsonb values are written with JSON.stringify, which recurses and fails
 * on values nested a few thousand levels deep. Input from outside is checked (or repaired) with
 * these functions before it reaches a query, so it is refused with a reason, or stored, instead
 * of failing inside an INSERT.
 */

/** Far deeper than any webhook (about ten levels) or flow definition, far below what recursion survives. */
export const MAX_JSON_DEPTH = 64;

export const UNSTORABLE_TEXT_MESSAGE = 'text must not contain NUL characters or unpaired surrogates';

/** A NUL, a high surrogate not followed by a low one, or a low surrogate not preceded by a high one. */
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, 'g');

export function isStorableText(text: string): boolean {
  return !UNSTORABLE.test(text);
}

/** NUL characters and unpaired surrogates become U+FFFD, as undecodable bytes do. */
export function storableText(text: string): string {
  return isStorableText(text) ? text : text.replace(UNSTORABLE_ALL, '\uFFFD');
}

/** Whether objects and arrays nest deeper than `maxDepth`; iterative, so any depth can be measured. */
export function nestedTooDeep(value: unknown, maxDepth = MAX_JSON_DEPTH): boolean {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    if (typeof item.value !== 'object' || item.value === null) continue;
    if (item.depth >= maxDepth) return true;
    for (const child of Object.values(item.value)) stack.push({ value: child, depth: item.depth + 1 });
  }
  return false;
}

/** Path (`a.b[2]`) of the first string or key that cannot be stored, or null. Only for values not nested too deep. */
export function unstorableTextPath(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return isStorableText(value) ? null : path;
  if (typeof value !== 'object' || value === null) return null;
  for (const [key, child] of Object.entries(value)) {
    const childPath = Array.isArray(value) ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`;
    if (!isStorableText(key)) return childPath;
    const found = unstorableTextPath(child, childPath);
    if (found !== null) return found;
  }
  return null;
}

/**
 * The value itself when every string and key is storable, else a copy where they all are.
 * Only for values not nested too deep.
 */
export function withStorableText(value: unknown): unknown {
  return unstorableTextPath(value) === null ? value : repairText(value);
}

function repairText(value: unknown): unknown {
  if (typeof value === 'string') return storableText(value);
  if (Array.isArray(value)) return value.map(repairText);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([key, child]) => [storableText(key), repairText(child)]));
}
