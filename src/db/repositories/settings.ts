import { eq } from 'drizzle-orm';
import type { Db } from '../client.js';
import { serviceSettings } from '../schema.js';

/** The setting's value, storing `value` first if it has none (the first process to ask sets it). */
export async function settingOrInit(db: Db, name: string, value: string): Promise<string> {
  await db.insert(serviceSettings).values({ name, value }).onConflictDoNothing();
  const [row] = await db.select({ value: serviceSettings.value }).from(serviceSettings).where(eq(serviceSettings.name, name));
  return row!.value;
}
