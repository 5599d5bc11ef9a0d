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

/** Cuts text meant for an error message to a readable length. */
export function clip(text: string, maxLength = 200): string {
  return text.length > maxLength ? `${text.slice(0, maxLength)}…` : text;
}
