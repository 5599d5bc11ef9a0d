/**
 * The constraint a unique violation broke (`User_email_key`…), from either driver: both carry
 * `constraint`, and drizzle wraps the driver's error in `cause`. null for any other error.
 */
export function violatedUniqueConstraint(error: unknown): string | null {
  for (let current = error; current instanceof Error; current = current.cause) {
    const { code, constraint } = current as { code?: unknown; constraint?: unknown };
    if (code === '23505') return typeof constraint === 'string' ? constraint : null;
  }
  return null;
}
