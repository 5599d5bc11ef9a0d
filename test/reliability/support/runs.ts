/**
 * fast-check run counts: sized for `npm test`, scaled up for a deeper search with
 * FUZZ_SCALE (e.g. `FUZZ_SCALE=10 npx vitest run test/reliability/webhook-fuzz.test.ts`).
 */
const SCALE = Number(process.env.FUZZ_SCALE ?? 1) > 0 ? Number(process.env.FUZZ_SCALE ?? 1) : 1;

export function runs<T extends Record<string, number>>(counts: T): T {
  return Object.fromEntries(Object.entries(counts).map(([name, count]) => [name, Math.max(1, Math.round(count * SCALE))])) as T;
}
