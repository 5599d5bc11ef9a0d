/**
 * Random damage to JSON documents, for property tests: a field removed, a value replaced by a
 * wrong type or a hostile value (huge, deep, NUL, lone surrogates, odd numbers), extra fields
 * (prototype keys included). Mutations address nodes by index into the document's node list,
 * so fast-check can shrink them.
 */
import fc from 'fast-check';

export type Path = ReadonlyArray<string | number>;

export type Mutation =
  | { kind: 'remove'; at: number }
  | { kind: 'replace'; at: number; value: unknown }
  | { kind: 'add'; at: number; key: string; value: unknown };

/** Pseudo-random text that does not compress (as a hostile sender would send), from a seed. */
export function noise(seed: number, length: number): string {
  let state = seed >>> 0 || 1;
  let text = '';
  while (text.length < length) {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    text += state.toString(36);
  }
  return text.slice(0, length);
}

export function nested(depth: number, leaf: unknown = 'bottom'): unknown {
  let value: unknown = leaf;
  for (let level = 0; level < depth; level++) value = level % 2 === 0 ? [value] : { d: value };
  return value;
}

const HOSTILE_STRINGS = [
  '', ' ', '\u0000', 'a\u0000b', '\ud800', 'x\udc00', '\ud83d', '😀', '\\', '"', '\u2028', '<script>alert(1)</script>',
  "'; drop table \"Message\"; --", 'null', 'NaN', '-1', '1e309', '9'.repeat(40), '__proto__', 'constructor', '%00', '../../etc/passwd',
];
const HOSTILE_NUMBERS = [0, -1, -0, 1.5, 1e308, -1e308, 2 ** 53 + 1, 1712345678.5, Number.MAX_SAFE_INTEGER];
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'];

/** Values that break assumptions: wrong types, hostile text, huge strings, deep nesting. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.jsonValue({ maxDepth: 3, stringUnit: 'binary' }), weight: 4 },
  { arbitrary: fc.constantFrom<unknown>(...HOSTILE_STRINGS, ...HOSTILE_NUMBERS, null, true, false, [], {}), weight: 4 },
  { arbitrary: fc.record({ seed: fc.integer(), length: fc.constantFrom(300, 5_000, 60_000) }).map(({ seed, length }) => noise(seed, length)), weight: 2 },
  { arbitrary: fc.integer({ min: 8, max: 120 }).map((depth) => nested(depth)), weight: 1 },
);

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('remove' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: hostileValue }),
  fc.record({ kind: fc.constant('add' as const), at: fc.nat(), key: fc.oneof(fc.constantFrom(...PROTOTYPE_KEYS), fc.string()), value: hostileValue }),
);

/** Every node's path, the root first. */
export function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return [prefix, ...Object.entries(value).flatMap(([key, child]) => pathsOf(child, [...prefix, Array.isArray(value) ? Number(key) : key]))];
}

/** Sets an own property even for keys such as `__proto__`, as JSON.parse would. */
function setOwn(target: object, key: string | number, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A mutated copy; mutations that address the root in a way that cannot apply fall back to replacing it. */
export function applyMutation(document: unknown, mutation: Mutation): unknown {
  const copy = structuredClone(document);
  const paths = pathsOf(copy);
  const path = paths[mutation.at % paths.length]!;
  if (path.length === 0) {
    if (mutation.kind === 'add' && typeof copy === 'object' && copy !== null && !Array.isArray(copy)) {
      setOwn(copy, mutation.key, mutation.value);
      return copy;
    }
    return mutation.kind === 'remove' ? null : mutation.value;
  }
  const parent = path.slice(0, -1).reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], copy) as Record<string | number, unknown>;
  const key = path.at(-1)!;
  const target = parent[key];
  switch (mutation.kind) {
    case 'remove':
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
      break;
    case 'replace':
      setOwn(parent, key, mutation.value);
      break;
    case 'add':
      if (typeof target === 'object' && target !== null && !Array.isArray(target)) setOwn(target, mutation.key, mutation.value);
      else if (Array.isArray(target)) target.push(mutation.value);
      else setOwn(parent, key, mutation.value);
      break;
  }
  return copy;
}

export function applyMutations(document: unknown, mutations: readonly Mutation[]): unknown {
  return mutations.reduce(applyMutation, document);
}
