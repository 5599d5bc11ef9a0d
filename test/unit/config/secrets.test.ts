/** Generated secrets in DATA_DIR/secrets.json: one set for every process that shares the folder. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/index.js';
import { publishSecrets, resolveSecrets, secretsFile } from '../../../src/config/secrets.js';

const dirs: string[] = [];
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'waflow-secrets-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('generated secrets', () => {
  it('are generated once and read back by the next start', () => {
    const config = loadConfig({ DATA_DIR: freshDir() });
    const first = resolveSecrets(config);
    const second = resolveSecrets(config);
    expect(second.encryptionKey.equals(first.encryptionKey)).toBe(true);
    expect(second.adminToken).toBe(first.adminToken);
  });

  it('are never replaced by a process that found no file, when another published one meanwhile', () => {
    // Two processes start together: both find no file; the first publishes its key.
    const file = secretsFile(freshDir());
    const first = { encryptionKey: 'a'.repeat(64) };
    const late = { encryptionKey: 'b'.repeat(64) };
    expect(publishSecrets(file, first, false)).toBe(first);
    // The second gets the first one's secrets back, and the file keeps them.
    expect(publishSecrets(file, late, false)).toEqual(first);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(first);
  });

  it('are completed in place when the file lacks one (a file from an older version)', () => {
    const file = secretsFile(freshDir());
    publishSecrets(file, { adminToken: 'wfa_old' }, false);
    const completed = { adminToken: 'wfa_old', encryptionKey: 'c'.repeat(64) };
    expect(publishSecrets(file, completed, true)).toBe(completed);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(completed);
  });
});
