/**
 * Runs every case of `cases/*.ts` (each file exports `cases: GoldenCase[]`) against one service,
 * concurrently: each case has its own contact and its own trigger.
 */
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { playCase, startWorld, type GoldenCase, type World } from './support.js';

const casesDir = new URL('./cases/', import.meta.url);
const files = readdirSync(casesDir).filter((file) => file.endsWith('.ts')).sort();
const modules = await Promise.all(
  files.map(async (file) => ({ file, module: (await import(new URL(file, casesDir).href)) as { cases?: GoldenCase[] } })),
);
const cases = modules.flatMap(({ file, module }) => {
  if (!Array.isArray(module.cases)) throw new Error(`${file} exports no cases`);
  return module.cases.map((golden) => ({ file, golden }));
});

const triggers = cases.flatMap(({ golden }) => [golden.trigger, ...Object.values(golden.otherFlows ?? {}).map((other) => other.trigger)]);
const repeated = triggers.filter((trigger, i) => triggers.indexOf(trigger) !== i);
if (repeated.length > 0) throw new Error(`golden triggers must be unique: ${repeated.join(', ')}`);

/** A distinct phone number per case (cases that show theirs use 1555800….). */
const phoneOf = (index: number, golden: GoldenCase) => golden.phone ?? `1555700${String(index).padStart(4, '0')}`;
const phones = cases.map(({ golden }, index) => phoneOf(index, golden));
if (new Set(phones).size !== phones.length) throw new Error('golden phones must be unique');

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world.close());

describe.concurrent('golden conversations', () => {
  for (const [index, { file, golden }] of cases.entries()) {
    it(`${file.replace(/\.ts$/, '')}: ${golden.name}`, ({ expect }) => playCase(world, golden, phoneOf(index, golden), expect));
  }
});
