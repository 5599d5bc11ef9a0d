/** `waflow <args>` as a user runs it: a real process from the source, its output and exit code. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `env`: the process's whole environment (by default this one's). A process still running after
 * `timeoutMs` is killed (code null): a command that hangs fails its test instead of outliving it.
 */
export function runWaflow(args: readonly string[], env: NodeJS.ProcessEnv = process.env, timeoutMs = 60_000): Promise<Run> {
  return startWaflow(args, env, timeoutMs).run;
}

/** `runWaflow` for a test that acts on the process while it runs (signals). */
export function startWaflow(args: readonly string[], env: NodeJS.ProcessEnv = process.env, timeoutMs = 60_000): { child: ChildProcess; run: Promise<Run> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const timeout = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const run = new Promise<Run>((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  }).finally(() => clearTimeout(timeout));
  return { child, run };
}
