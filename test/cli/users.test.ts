/**
 * `waflow users`, run as an operator runs it: `create` seals the access token, so it needs the
 * encryption key the database was first used with; `list` seals nothing and runs with any.
 */
import { rmSync } from 'node:fs';
import { afterAll, expect, it } from 'vitest';
import { runWaflow } from './run.js';
import { freshDataDir } from '../support/data-dir.js';

const dataDir = freshDataDir('cli-users');
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const waflow = (key: string, ...args: string[]) =>
  runWaflow(args, { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir, ENCRYPTION_KEY: key, LOG_LEVEL: 'silent' });

const create = (key: string, phoneNumberId: string) =>
  waflow(key, 'users', 'create', '--name', 'Acme', '--phone-number-id', phoneNumberId, '--token', 'EAAG-cli-token\n');

it('creates a user with the first key, refuses another key, and lists with any', async () => {
  const first = await create('a'.repeat(64), '5551001');
  expect(first.code, first.stderr).toBe(0);
  expect(JSON.parse(first.stdout)).toMatchObject({ metaPhoneNumberId: '5551001', apiKey: expect.stringMatching(/^wfk_/) });

  const taken = await create('a'.repeat(64), '5551001');
  expect(taken.code).toBe(1);
  expect(taken.stderr.trim()).toBe('another user already has this phone number id');

  const refused = await create('b'.repeat(64), '5551002');
  expect(refused.code).toBe(1);
  expect(refused.stderr).toMatch(/ENCRYPTION_KEY is not the key this database was first used with/);

  const listed = await waflow('b'.repeat(64), 'users', 'list');
  expect(listed.code, listed.stderr).toBe(0);
  expect((JSON.parse(listed.stdout) as Array<{ metaPhoneNumberId: string }>).map((user) => user.metaPhoneNumberId)).toEqual(['5551001']);
}, 60_000);
