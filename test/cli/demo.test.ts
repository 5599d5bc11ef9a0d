/**
 * `waflow demo` whose start fails or is interrupted, run as a person runs it: the process must
 * end with a non-zero code and say why, leaving nothing running and no waflow-demo-* folder in
 * its TMPDIR — not hang with the simulator listening.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { eventually } from '../support/harness.js';
import { freePort } from '../support/process.js';
import { startWaflow } from './run.js';

const scratch = mkdtempSync(join(tmpdir(), 'waflow-cli-demo-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** `waflow demo` with a TMPDIR of its own, so its data folder can be looked for. */
function startDemo(name: string, args: string[], env: Record<string, string> = {}) {
  const tmp = join(scratch, name);
  mkdirSync(tmp);
  const demo = startWaflow(['demo', ...args], { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: tmp, ...env }, 45_000);
  const dataFolders = () => readdirSync(tmp).filter((entry) => entry.startsWith('waflow-demo-'));
  return { ...demo, dataFolders };
}

describe.concurrent('demo start', () => {
  it('refuses a port that is no number before starting anything', async ({ expect }) => {
    const demo = startDemo('port', ['--port', 'abc']);
    const run = await demo.run;
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('--port must be a port number from 0 to 65535, not "abc"');
    expect(demo.dataFolders()).toEqual([]);
  }, 60_000);

  it('closes the simulator and removes its data folder when the service cannot start', async ({ expect }) => {
    const demo = startDemo('config', ['--port', String(await freePort())], { GRAPH_TIMEOUT_MS: 'soon' });
    const run = await demo.run;
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.stderr).toMatch(/Invalid configuration:\s+GRAPH_TIMEOUT_MS/);
    expect(demo.dataFolders()).toEqual([]);
  }, 60_000);

  it('stops on Ctrl-C during the start, leaving no data folder', async ({ expect }) => {
    const demo = startDemo('interrupt', ['--port', String(await freePort())]);
    await eventually(() => demo.dataFolders().length > 0, 30_000);
    demo.child.kill('SIGINT');
    const run = await demo.run;
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.stderr).toContain('demo stopped by SIGINT while starting');
    expect(demo.dataFolders()).toEqual([]);
  }, 60_000);
});
