/** An embedded database in a fresh temp folder, for tests that need the real schema and no service. */
import { rmSync } from 'node:fs';
import { openDatabase, type Database } from '../../src/db/client.js';
import { freshDataDir } from './data-dir.js';

export interface TempDatabase {
  database: Database;
  /** Closes the database and removes its folder. */
  remove(): Promise<void>;
}

export async function openTempDatabase(name: string): Promise<TempDatabase> {
  const dataDir = freshDataDir(name);
  const database = await openDatabase({ kind: 'embedded', dataDir });
  return {
    database,
    async remove() {
      await database.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
