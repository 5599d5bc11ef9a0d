/**
 * `waflow users`, run as an operator runs it: `create` seals the access token, so it needs the
 * encryption key the database was first used with; `list` seals nothing and runs with any.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'waflow-cli-users-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function waflow(key: string, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir, ENCRYPTION_KEY: key, LOG_LEVEL: 'silent' };
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const create = (key: string, phoneNumberId: string) =>
  waflow(key, 'users', 'create', '--name', 'Acme', '--phone-number-id', phoneNumberId, '--token', 'EAAG-cli-token\n');

it('creates a user with the first key, refuses another key, and lists with any', async () => {
  const first = await create('a'.repeat(64), '5551001');
  expect(first.code, first.stderr).toBe(0);
  expect(JSON.parse(first.stdout)).toMatchObject({ metaPhoneNumberId: '5551001', apiKey: expect.stringMatching(/^wfk_/) });

  const refused = await create('b'.repeat(64), '5551002');
  expect(refused.code).toBe(1);
  expect(refused.stderr).toMatch(/ENCRYPTION_KEY is not the key this database was first used with/);

  const listed = await waflow('b'.repeat(64), 'users', 'list');
  expect(listed.code, listed.stderr).toBe(0);
  expect((JSON.parse(listed.stdout) as Array<{ metaPhoneNumberId: string }>).map((user) => user.metaPhoneNumberId)).toEqual(['5551001']);
}, 60_000);
