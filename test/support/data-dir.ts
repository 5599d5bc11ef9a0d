/** A fresh DATA_DIR for a service or database under test, its embedded database already migrated. */
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';

export function freshDataDir(name: string): string {
  const dataDir = mkdtempSync(join(tmpdir(), `waflow-${name}-`));
  cpSync(join(inject('embeddedTemplate'), 'pgdata'), join(dataDir, 'pgdata'), { recursive: true });
  return dataDir;
}
