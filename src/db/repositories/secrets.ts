import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../client.js';
import { tenantSecrets } from '../schema.js';

export async function listSecretNames(db: Db, userId: string): Promise<Array<{ name: string; updatedAt: Date }>> {
  return db
    .select({ name: tenantSecrets.name, updatedAt: tenantSecrets.updatedAt })
    .from(tenantSecrets)
    .where(eq(tenantSecrets.userId, userId))
    .orderBy(asc(tenantSecrets.name));
}

/** Sealed values by name. */
export async function sealedSecrets(db: Db, userId: string): Promise<Map<string, string>> {
  const rows = await db.select({ name: tenantSecrets.name, value: tenantSecrets.value }).from(tenantSecrets).where(eq(tenantSecrets.userId, userId));
  return new Map(rows.map((row) => [row.name, row.value]));
}

export async function putSecret(db: Db, userId: string, name: string, sealedValue: string): Promise<void> {
  const updatedAt = new Date();
  await db
    .insert(tenantSecrets)
    .values({ userId, name, value: sealedValue, updatedAt })
    .onConflictDoUpdate({ target: [tenantSecrets.userId, tenantSecrets.name], set: { value: sealedValue, updatedAt } });
}

export async function deleteSecret(db: Db, userId: string, name: string): Promise<boolean> {
  const rows = await db
    .delete(tenantSecrets)
    .where(and(eq(tenantSecrets.userId, userId), eq(tenantSecrets.name, name)))
    .returning({ name: tenantSecrets.name });
  return rows.length > 0;
}
