/**
 * Each benchmark script, run tiny (a few hundred requests), must still produce a well-formed
 * result: the scripts cannot rot unnoticed. Speed is not checked here; that is what they measure.
 * They run from source (no build needed) exactly as `npx tsx bench/<name>.ts` runs them.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

interface BenchResult {
  bench: string;
  machine: { cores: number; node: string };
  command: string;
  server: string;
  rows: Array<Record<string, unknown>>;
  summary?: Record<string, unknown>;
}

async function runBench(script: string, args: string[]): Promise<BenchResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', `bench/${script}.ts`, '--launcher', 'source', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`bench/${script}.ts exited with ${code}\n${stderr.slice(-4000)}`);
  const line = stdout.trim().split('\n').findLast((text) => text.startsWith('{'));
  if (!line) throw new Error(`bench/${script}.ts printed no JSON line\n${stdout}`);
  return JSON.parse(line) as BenchResult;
}

function expectWellFormed(result: BenchResult, bench: string, modes: readonly string[]): void {
  expect(result.bench).toBe(bench);
  expect(result.machine.cores).toBeGreaterThan(0);
  expect(result.machine.node).toBe(process.version);
  expect(result.command).toContain(`bench/${bench}.ts`);
  expect(result.rows.map((row) => row.mode)).toEqual(modes);
}

describe('benchmark scripts (smoke)', { timeout: 180_000 }, () => {
  it('ingest: acknowledged POSTs/s with and without the worker, embedded and PostgreSQL, on two serve processes', async () => {
    const result = await runBench('ingest', ['--mode', 'embedded,postgres', '--requests', '200', '--warmup', '0', '--serves', '2']);
    expectWellFormed(result, 'ingest', ['embedded', 'postgres', 'postgres']);
    expect(result.rows.map((row) => [row.worker, row.serves])).toEqual([['on', 1], ['on', 1], ['off', 2]]);
    for (const row of result.rows) {
      expect(row.postsPerS).toBeGreaterThan(0);
      expect(row.ok).toBe(200);
      expect(row.p99Ms).toBeGreaterThan(0);
    }
  });

  it('e2e: every message answered once, and the highest rate held, one process and scaled', async () => {
    const result = await runBench('e2e', ['--mode', 'postgres', '--scaled', '2x1', '--rates', '20', '--warmup', '1', '--duration', '2', '--keep-up-ms', '60000']);
    expectWellFormed(result, 'e2e', ['postgres', 'scaled 2+1']);
    for (const row of result.rows) {
      // 20 warm-up messages and 40 measured: all of them count for sent, replied, lost and duplicates.
      expect(row).toMatchObject({ rate: 20, sent: 60, replied: 60, lost: 0, duplicates: 0, held: true });
      expect(row.p99Ms).toBeGreaterThan(0);
    }
    expect(result.summary).toEqual({ 'highest rate held, postgres (msg/s)': 20, 'highest rate held, scaled 2+1 (msg/s)': 20 });
  });

  it('memory: start times and RSS at rest and under load', async () => {
    const result = await runBench('memory', ['--mode', 'embedded', '--duration', '1', '--rate', '20', '--requests', '200', '--rest', '0']);
    expectWellFormed(result, 'memory', ['embedded']);
    const [row] = result.rows;
    for (const key of ['coldStartMs', 'warmStartMs', 'restRssMb', 'e2ePeakRssMb', 'ingestPeakRssMb', 'ingestPosts']) {
      expect(row![key]).toBeGreaterThan(0);
    }
  });

  it('query-build: CPU per hot-path statement, without a database', async () => {
    const result = await runBench('query-build', ['--calls', '50']);
    expect(result.bench).toBe('query-build');
    // The worker's, the sender's and the webhook's statements are all there.
    expect(result.rows.map((row) => row.statement)).toEqual(
      expect.arrayContaining(['inbox insert, 3 rows', 'contact upsert with its live session', 'messages insert, 2 rows', 'outbox head claim']),
    );
    for (const row of result.rows) {
      expect(row).toMatchObject({ calls: 50 });
      expect(row.cpuUsPerCall).toBeGreaterThan(0);
    }
  });

  it('statements: per inbound message, counted on the wire to PostgreSQL and timed inside PGlite', async () => {
    const result = await runBench('statements', ['--mode', 'embedded,postgres', '--rate', '20', '--duration', '1']);
    expect(result.bench).toBe('statements');
    for (const mode of ['embedded', 'postgres']) {
      expect(result.summary).toMatchObject({ [`messages, ${mode}`]: 20, [`lost, ${mode}`]: 0 });
      // Each message is at least its transaction's begin, work and commit, and the sender's send.
      expect(result.summary?.[`statements per message, ${mode}`]).toBeGreaterThan(4);
      expect(result.summary?.[`transactions per message, ${mode}`]).toBeGreaterThanOrEqual(1);
      const texts = result.rows.filter((row) => row.mode === mode).map((row) => String(row.statement));
      expect(texts.some((text) => /^begin$/i.test(text))).toBe(true);
    }
    const statementsOf = (mode: string) => result.rows.filter((row) => row.mode === mode).map((row) => String(row.statement));
    expect(statementsOf('postgres').some((text) => text.startsWith('insert into inbound_events'))).toBe(true);
    // On PGlite the hot path runs as named prepared statements, each timed.
    expect(statementsOf('embedded')).toEqual(expect.arrayContaining(['inbox_insert', 'contact_upsert', 'message_insert']));
    expect(result.summary?.['ms inside PGlite per message, embedded']).toBeGreaterThan(0);
    for (const row of result.rows.filter((row) => row.mode === 'embedded' && row.perMessage !== 0)) expect(row.msPerMessage).toBeGreaterThan(0);
  });

  it('growth: the same runs on a seeded history', async () => {
    const result = await runBench('growth', ['--mode', 'embedded', '--messages', '1000', '--duration', '1', '--rate', '20', '--requests', '200']);
    expectWellFormed(result, 'growth', ['embedded']);
    const [row] = result.rows;
    expect(row).toMatchObject({ storedMessages: 1000, e2eLost: 0, e2eDuplicates: 0 });
    expect(row!.ingestPostsPerS).toBeGreaterThan(0);
  });
});
