/**
 * `saveAs` paths into an HTTP response body: dot-separated keys and array indexes, `a.b.0.c`
 * or `a.b[0].c`, optionally after `$.`; an empty path (or `$`) is the whole body.
 */

const MISSING = Symbol('missing');

/** The value at `path`, or undefined when some step of the path does not exist. */
export function readPath(body: unknown, path: string): unknown {
  let value: unknown = body;
  for (const key of pathKeys(path)) {
    if (Array.isArray(value) && /^\d+$/.test(key)) value = Number(key) < value.length ? value[Number(key)] : MISSING;
    else if (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.hasOwn(value, key)) {
      value = (value as Record<string, unknown>)[key];
    } else value = MISSING;
    if (value === MISSING) return undefined;
  }
  return value;
}

function pathKeys(path: string): string[] {
  const trimmed = path.trim().replace(/^\$\.?/, '');
  return trimmed.replace(/\[(\d+)\]/g, '.$1').split('.').filter((key) => key !== '');
}

/** How a JSON value is stored in a variable: text as it is, null as "", anything else as JSON. */
export function stringifyValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value) ?? '';
}
