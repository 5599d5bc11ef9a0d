/**
 * What an access token from Meta can be: it travels in the Authorization header, so printable
 * ASCII without spaces. A token pasted with a line break or a character outside ASCII cannot
 * even be sent: Node refuses the header before any request leaves.
 */
import { z } from 'zod';

export const ACCESS_TOKEN_PATTERN = /^[\x21-\x7e]+$/;

/** A token as it is accepted when saved (API and CLI): trimmed, since a pasted line break is still the token. */
export const accessTokenSchema = z
  .string()
  .trim()
  .min(1)
  .max(4096)
  .regex(ACCESS_TOKEN_PATTERN, 'must be the access token from Meta as given: printable ASCII, no spaces or line breaks');
