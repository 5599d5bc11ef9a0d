import { loadConfig } from '../config/index.js';
import { openDatabase } from '../db/client.js';

export async function migrateCommand(): Promise<void> {
  const database = await openDatabase(loadConfig().database);
  await database.close();
  process.stdout.write(`migrations applied: ${database.describe}\n`);
}
