/**
 * A number in [0, 1) derived from a seed: the engine has no randomness of its own, so a random
 * split is repeatable (a step replayed after a crash takes the same branch) and testable.
 */
export function unitInterval(seed: string): number {
  let hash = 0x811c9dc5; // FNV-1a
  for (let i = 0; i < seed.length; i += 1) {
    hash ^= seed.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  // murmur3's finaliser spreads FNV's weak low bits over the whole word
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return (hash >>> 0) / 0x1_0000_0000;
}
