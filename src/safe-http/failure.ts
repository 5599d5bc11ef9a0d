/** A request that ended without a usable response, with the reason a flow's operator will read. */
export class RequestFailure extends Error {
  constructor(
    message: string,
    /** The HTTP status, when a response had arrived. */
    readonly status: number | null = null,
  ) {
    super(message);
    this.name = 'RequestFailure';
  }
}

/** Takes out of a text what a failure must not show (the request's secrets). */
export type Redact = (text: string) => string;

export const redactNothing: Redact = (text) => text;

/**
 * Text meant for an error message (a URL, a redirect's location, an answer), redacted and then cut
 * to a readable length ("…" after the cut). Redacted first: a secret cut in half would no longer be
 * recognised by a redaction of the finished message.
 */
export function quote(text: string, redact: Redact, maxLength = 200): string {
  const redacted = redact(text);
  return redacted.length > maxLength ? `${redacted.slice(0, maxLength)}…` : redacted;
}
