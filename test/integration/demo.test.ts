/**
 * `waflow demo` as a person uses it: a real process, typed lines on stdin, the bot's messages on
 * stdout — buttons and a list picked by number, a question with validation, a quiz answer —
 * then Ctrl-C.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { eventually } from '../support/harness.js';
import { freePort } from '../support/process.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface DemoChat {
  output(): string;
  /** Waits until the output shows `expected`. */
  expectOutput(expected: string, after?: string): Promise<void>;
  /** Types `line` and waits until the output shows `expected`. */
  say(line: string, expected: string): Promise<void>;
}

/**
 * Starts the demo, waits for its welcome, runs the conversation, then presses Ctrl-C (also when
 * the conversation failed); resolves with the exit code.
 */
async function chat(conversation: (demo: DemoChat) => Promise<void>): Promise<number | null> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', 'demo', '--port', String(await freePort())], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const ended = () => child.exitCode !== null || child.signalCode !== null;
  const expectOutput = async (expected: string, after = 'the start') => {
    await eventually(() => output.includes(expected) || ended(), 60_000).catch(() => {});
    if (!output.includes(expected)) throw new Error(`expected "${expected}" after ${after}, got:\n${output}`);
  };
  try {
    await expectOutput('sign in with the API key wfk_');
    await conversation({
      output: () => output,
      expectOutput,
      say: (line, expected) => {
        child.stdin.write(`${line}\n`);
        return expectOutput(expected, `"${line}"`);
      },
    });
  } finally {
    child.kill('SIGINT');
  }
  return exited;
}

it('runs a conversation in the terminal and exits cleanly on Ctrl-C', async () => {
  const code = await chat(async (demo) => {
    expect(demo.output()).toMatch(/Watch it live in the console: http:\/\/localhost:\d+/);
    await demo.say('hello', '1) Order a pizza   2) Quick quiz   3) Talk to a person');
    await demo.say('2', 'What is 7 × 6?');
    expect(demo.output()).toContain('you › Quick quiz');
    await demo.say('forty-two', 'A number, please.');
    await demo.say('42', 'Correct!');
    await demo.expectOutput('✓✓ read');
  });
  expect(code).toBe(0);
}, 180_000);

it('sends a number typed after a question as text, not as a choice of an earlier list', async () => {
  const code = await chat(async (demo) => {
    await demo.say('hello', '1) Order a pizza');
    await demo.say('1', '1) Margherita   2) Pepperoni   3) Veggie');
    await demo.say('2', 'How many Pepperoni pizzas? (1 to 10)');
    // The question has no choices: "3" is the quantity, not the list's third row.
    await demo.say('3', 'Into the oven');
    expect(demo.output()).not.toContain('you › Veggie');
    expect(demo.output()).not.toContain('Please send a number from 1 to 10.');
    await demo.expectOutput('Your 3 × Pepperoni is ready.');
  });
  expect(code).toBe(0);
}, 180_000);
