/** Walks a JSON value's strings (HTTP bodies interpolate every string inside them). */
import type * as z from 'zod';

export type JsonValue = z.core.util.JSONType;

export function mapJsonStrings(value: JsonValue, map: (text: string) => string): JsonValue {
  if (typeof value === 'string') return map(value);
  if (Array.isArray(value)) return value.map((item) => mapJsonStrings(item, map));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, mapJsonStrings(item, map)]));
  }
  return value;
}
