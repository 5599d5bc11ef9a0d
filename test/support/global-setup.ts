/**
 * Runs once before the test files: builds one embedded database with every migration applied, so
 * a test's fresh DATA_DIR starts from a copy of it (`freshDataDir`). PGlite takes seconds to create
 * a cluster and well under one to open a copied one; the first-start tests still create their own.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/db/client.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A DATA_DIR whose `pgdata` is a migrated, closed embedded database. */
    embeddedTemplate: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const template = mkdtempSync(join(tmpdir(), 'waflow-template-'));
  const database = await openDatabase({ kind: 'embedded', dataDir: template });
  await database.close();
  project.provide('embeddedTemplate', template);
  return () => rmSync(template, { recursive: true, force: true });
}
