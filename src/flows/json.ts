/** Walks JSON values: their strings (HTTP bodies interpolate every string inside them), their depth. */
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

/**
 * The path to the first array or object nested more than `limit` levels deep (the value itself
 * is level 1), or null. Walked without recursion, so no depth can overflow the stack.
 */
export function pathDeeperThan(value: unknown, limit: number): PropertyKey[] | null {
  interface Visit {
    value: unknown;
    level: number;
    key: PropertyKey;
    parent: Visit | null;
  }
  const pending: Visit[] = [{ value, level: 1, key: '', parent: null }];
  for (let visit = pending.pop(); visit !== undefined; visit = pending.pop()) {
    const container = visit.value;
    if (typeof container !== 'object' || container === null) continue;
    if (visit.level > limit) return pathTo(visit);
    for (const [key, item] of Object.entries(container)) {
      pending.push({ value: item, level: visit.level + 1, key: Array.isArray(container) ? Number(key) : key, parent: visit });
    }
  }
  return null;

  function pathTo(visit: Visit): PropertyKey[] {
    const path: PropertyKey[] = [];
    for (let at: Visit | null = visit; at?.parent; at = at.parent) path.unshift(at.key);
    return path;
  }
}
