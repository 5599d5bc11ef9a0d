/**
 * `waflow demo` as a person uses it: a real process, typed lines on stdin, the bot's messages on
 * stdout — a button picked by number, a question with validation, a quiz answer — then Ctrl-C.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { eventually } from '../support/harness.js';
import { freePort } from '../support/process.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

it('runs a conversation in the terminal and exits cleanly on Ctrl-C', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', 'demo', '--port', String(await freePort())], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const say = async (line: string, expected: string) => {
    child.stdin.write(`${line}\n`);
    await eventually(() => output.includes(expected), 30_000).catch(() => {
      throw new Error(`expected "${expected}" after "${line}", got:\n${output}`);
    });
  };
  try {
    await eventually(() => output.includes('sign in with the API key wfk_'), 60_000);
    expect(output).toMatch(/Watch it live in the console: http:\/\/localhost:\d+/);
    await say('hello', '1) Order a pizza   2) Quick quiz   3) Talk to a person');
    await say('2', 'What is 7 × 6?');
    expect(output).toContain('you › Quick quiz');
    await say('forty-two', 'A number, please.');
    await say('42', 'Correct!');
    await eventually(() => output.includes('✓✓ read'), 30_000);
  } finally {
    child.kill('SIGINT');
  }
  expect(await exited).toBe(0);
}, 180_000);
