/**
 * Defaults and bounds of the flow language that both the linter and the engine rely on.
 * WhatsApp's content limits are not here: they live in `whatsapp/limits.ts`.
 */

/** Free-form messages are only delivered within this long after the user's last message. */
export const SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;

export const DEFAULT_SESSION_TIMEOUT_MINUTES = 24 * 60;

/** Re-prompts a waiting node sends before it leaves by `invalid`. */
export const DEFAULT_MAX_RETRIES = 2;

export const HTTP_TIMEOUT_DEFAULT_MS = 10_000;
export const HTTP_TIMEOUT_MAX_MS = 30_000;
/**
 * Extra time after an HTTP request's own timeout before the engine gives up on its result, so
 * that a caller that crashed mid-request cannot leave the session waiting forever.
 */
export const HTTP_RESULT_GRACE_MS = 60_000;

/** Longest value a variable keeps (longer values are cut): enough for any text message. */
export const MAX_VARIABLE_LENGTH = 4096;

/** Handles every node type with `next` leaves by when nothing more specific applies. */
export const NEXT_HANDLE = 'next';
export const INVALID_HANDLE = 'invalid';
export const TIMEOUT_HANDLE = 'timeout';
