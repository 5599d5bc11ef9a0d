/**
 * The functions with the most self time in a V8 CPU profile (`--cpu-prof` on any bench script
 * writes one per server process), grouped by function and file, or by package (`--by package`:
 * which library the time goes to, WebAssembly counted with PGlite).
 *
 *   npx tsx bench/profile-top.ts <file.cpuprofile> [--limit 25] [--by function|package]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { limit: { type: 'string', default: '25' }, by: { type: 'string', default: 'function' } },
});
const file = positionals[0];
if (!file) throw new Error('usage: npx tsx bench/profile-top.ts <file.cpuprofile> [--limit 25] [--by function|package]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;

const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
const selfUs = new Map<string, number>();
let totalUs = 0;
profile.samples.forEach((id, i) => {
  const frame = frames.get(id);
  const delta = profile.timeDeltas[i] ?? 0;
  totalUs += delta;
  if (!frame) return;
  const key = values.by === 'package' ? packageOf(frame) : functionOf(frame);
  selfUs.set(key, (selfUs.get(key) ?? 0) + delta);
});

function functionOf(frame: ProfileNode['callFrame']): string {
  const file = frame.url.replace(/^.*node_modules\//, '~/').replace(/^file:\/\/.*?\/(src|dist)\//, '$1/');
  return `${frame.functionName || '(anonymous)'}  ${file ? `${file}:${frame.lineNumber + 1}` : ''}`;
}

/** A package under node_modules, waflow's own code, Node's internals, or a native entry (GC, syscalls). */
function packageOf(frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame;
  if (url.startsWith('wasm://')) return '@electric-sql/pglite (wasm)';
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inModules) return inModules[1]!;
  if (/\/(src|dist)\//.test(url)) return 'waflow';
  if (url.startsWith('node:')) return 'node (JS internals)';
  return `native: ${functionName || '(anonymous)'}`;
}

const top = [...selfUs.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(values.limit));
console.log(`total ${(totalUs / 1e6).toFixed(1)} s sampled`);
for (const [key, us] of top) console.log(`${((us / totalUs) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${key}`);
