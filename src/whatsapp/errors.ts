/**
 * Errors from the Graph API (reference §6): Meta's error body, a non-JSON HTTP failure, or a
 * request that never got an answer — all as one typed error that says whether to retry.
 */
import { z } from 'zod';

/**
 * - `yes`: transient, retry with backoff.
 * - `recipient`: only this recipient must wait (pair rate limit); others can be sent to now.
 * - `number`: the business number's throughput is used up: all its recipients must wait.
 * - `no`: retrying cannot help.
 *
 * Meta asks to wait and retry on `recipient` and `number`: they are not failures of the message.
 */
export type RetryPolicy = 'no' | 'yes' | 'recipient' | 'number';

const RETRYABLE_CODES: ReadonlySet<number> = new Set([1, 2, 4, 80007, 131000, 131016, 131057, 133004]);
const PAIR_RATE_LIMIT_CODE = 131056;
const THROUGHPUT_LIMIT_CODE = 130429;
const PERMANENT_CODES: ReadonlySet<number> = new Set([
  0, 3, 10, 100, 190, 368, 130497, 131008, 131009, 131021, 131026, 131031, 131042, 131047, 131050, 131051, 131052,
  131053, 133010,
]);
const TOKEN_ERROR_CODE = 190;

function isPermanentCode(code: number): boolean {
  const permission = code >= 200 && code <= 299;
  const template = code >= 132000 && code <= 132999;
  return PERMANENT_CODES.has(code) || permission || template;
}

/**
 * Meta's code decides when it is known; otherwise the HTTP status does: 5xx and 429 are
 * transient, any other failure is not.
 */
export function classifyRetry(code: number | null, httpStatus: number | null): RetryPolicy {
  if (code === PAIR_RATE_LIMIT_CODE) return 'recipient';
  if (code === THROUGHPUT_LIMIT_CODE) return 'number';
  if (code !== null && RETRYABLE_CODES.has(code)) return 'yes';
  if (code !== null && isPermanentCode(code)) return 'no';
  return httpStatus !== null && (httpStatus >= 500 || httpStatus === 429) ? 'yes' : 'no';
}

/** Each field is read on its own: an odd field must not hide the code of an otherwise good body. */
const graphErrorBodySchema = z.object({
  error: z.looseObject({
    message: z.string().optional().catch(undefined),
    code: z.number().int().optional().catch(undefined),
    error_subcode: z.number().int().optional().catch(undefined),
    error_data: z.looseObject({ details: z.string().optional().catch(undefined) }).optional().catch(undefined),
    fbtrace_id: z.string().optional().catch(undefined),
  }),
});

const BODY_EXCERPT_LENGTH = 200;

export interface GraphApiErrorInit {
  message: string;
  code: number | null;
  subcode: number | null;
  httpStatus: number | null;
  retry: RetryPolicy;
  fbtraceId: string | null;
  details: string | null;
  cause?: unknown;
}

export class GraphApiError extends Error {
  override readonly name = 'GraphApiError';
  /** Meta's error code (`error.code`), null when the answer carried none. */
  readonly code: number | null;
  readonly subcode: number | null;
  /** Null when no HTTP answer arrived (timeout, connection reset). */
  readonly httpStatus: number | null;
  readonly retry: RetryPolicy;
  readonly fbtraceId: string | null;
  /** `error.error_data.details`: what exactly was wrong. */
  readonly details: string | null;

  constructor(init: GraphApiErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.subcode = init.subcode;
    this.httpStatus = init.httpStatus;
    this.retry = init.retry;
    this.fbtraceId = init.fbtraceId;
    this.details = init.details;
  }

  /** From a non-2xx answer: Meta's error body when there is one, else the status and an excerpt. */
  static fromResponse(httpStatus: number, bodyText: string): GraphApiError {
    const parsed = graphErrorBodySchema.safeParse(parseJson(bodyText));
    if (!parsed.success) {
      const excerpt = bodyText.trim().slice(0, BODY_EXCERPT_LENGTH);
      return new GraphApiError({
        message: `Graph API answered HTTP ${httpStatus} without an error body`,
        code: null,
        subcode: null,
        httpStatus,
        retry: classifyRetry(null, httpStatus),
        fbtraceId: null,
        details: excerpt === '' ? null : excerpt,
      });
    }
    const { error } = parsed.data;
    const code = error.code ?? null;
    return new GraphApiError({
      message: error.message ?? `Graph API error ${code ?? `HTTP ${httpStatus}`}`,
      code,
      subcode: error.error_subcode ?? null,
      httpStatus,
      retry: classifyRetry(code, httpStatus),
      fbtraceId: error.fbtrace_id ?? null,
      details: error.error_data?.details ?? null,
    });
  }

  /** No answer at all: timeouts, refused or reset connections. Always worth another try. */
  static fromNetworkError(cause: unknown): GraphApiError {
    return new GraphApiError({
      message: describeNetworkError(cause),
      code: null,
      subcode: null,
      httpStatus: null,
      retry: 'yes',
      fbtraceId: null,
      details: null,
      cause,
    });
  }

  /** A stored token that cannot be sent at all (see ACCESS_TOKEN_PATTERN): as Meta would answer a bad one. */
  static unsendableToken(): GraphApiError {
    return new GraphApiError({
      message: 'the access token cannot be sent: it holds spaces, line breaks or characters outside ASCII; replace it',
      code: TOKEN_ERROR_CODE,
      subcode: null,
      httpStatus: null,
      retry: 'no',
      fbtraceId: null,
      details: null,
    });
  }

  /** A 2xx answer that does not say what a successful one must say. */
  static unexpectedResponse(httpStatus: number, problem: string): GraphApiError {
    return new GraphApiError({
      message: `Graph API answered HTTP ${httpStatus} but ${problem}`,
      code: null,
      subcode: null,
      httpStatus,
      retry: 'no',
      fbtraceId: null,
      details: null,
    });
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function describeNetworkError(cause: unknown): string {
  if (cause instanceof Error && (cause.name === 'TimeoutError' || cause.name === 'AbortError')) {
    return 'Graph API request timed out';
  }
  // undici reports "fetch failed" and keeps the system error (ECONNREFUSED, …) as its cause.
  const reason = cause instanceof Error && cause.cause instanceof Error ? cause.cause : cause;
  const text = reason instanceof Error ? reason.message : String(reason);
  return `Graph API request failed: ${text}`;
}

/** The access token is expired, revoked or wrong: the owner must act, retrying cannot help. */
export function isTokenError(error: unknown): boolean {
  return error instanceof GraphApiError && (error.code === TOKEN_ERROR_CODE || error.httpStatus === 401);
}

const HINTS: ReadonlyMap<number, string> = new Map([
  [TOKEN_ERROR_CODE, 'access token expired or invalid'],
  [131047, "more than 24 hours since the user's last message: send a template"],
  [PAIR_RATE_LIMIT_CODE, 'too many messages to this user in a short time: wait before sending again'],
  [THROUGHPUT_LIMIT_CODE, 'throughput limit of this phone number reached'],
  [131026, 'message undeliverable: the recipient may not be on WhatsApp or runs an old version'],
  [131051, 'message type not supported'],
  [131008, 'a required parameter is missing'],
  [131009, 'a parameter value is not valid'],
  [100, 'invalid parameter'],
  [10, 'permission denied for this phone number or token'],
  [368, 'temporarily blocked for policy violations'],
  [131031, 'business account locked'],
  [133010, 'phone number not registered on the Cloud API'],
  [131021, 'sender and recipient are the same number'],
  [132001, 'template does not exist in this language'],
]);

/**
 * A short explanation for operators: plain words for common codes (else Meta's message),
 * followed by Meta's details, which say which parameter was wrong.
 */
export function describeGraphError(error: GraphApiError): string {
  const summary = (error.code === null ? undefined : HINTS.get(error.code)) ?? error.message;
  return error.details === null ? summary : `${summary}: ${error.details}`;
}
