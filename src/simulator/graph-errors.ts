/**
 * Graph API errors as Meta phrases them: the synchronous error body of a failed request and
 * the `errors[]` entry of a `failed` status webhook.
 */
import { randomBytes } from 'node:crypto';

export interface GraphErrorBody {
  error: {
    message: string;
    type: string;
    code: number;
    error_subcode?: number;
    error_data?: { messaging_product: 'whatsapp'; details: string };
    fbtrace_id: string;
  };
}

export interface GraphFailure {
  httpStatus: number;
  body: GraphErrorBody;
}

interface KnownError {
  httpStatus: number;
  title: string;
}

const KNOWN_ERRORS: ReadonlyMap<number, KnownError> = new Map([
  [1, { httpStatus: 500, title: 'An unknown error occurred' }],
  [2, { httpStatus: 503, title: 'Service temporarily unavailable' }],
  [100, { httpStatus: 400, title: 'Invalid parameter' }],
  [190, { httpStatus: 401, title: 'Invalid OAuth access token - Cannot parse access token' }],
  [2500, { httpStatus: 400, title: 'Unknown path components' }],
  [130429, { httpStatus: 429, title: 'Rate limit hit' }],
  [131000, { httpStatus: 500, title: 'Something went wrong' }],
  [131008, { httpStatus: 400, title: 'Required parameter is missing' }],
  [131009, { httpStatus: 400, title: 'Parameter value is not valid' }],
  [131026, { httpStatus: 400, title: 'Message undeliverable' }],
  [131047, { httpStatus: 400, title: 'Re-engagement message' }],
  [131056, { httpStatus: 400, title: '(Business Account, Consumer Account) pair rate limit hit' }],
]);

function known(code: number): KnownError {
  return KNOWN_ERRORS.get(code) ?? { httpStatus: 400, title: `Error ${code}` };
}

export interface GraphFailureOptions {
  details?: string;
  subcode?: number;
  /** Overrides the HTTP status Meta uses for this code. */
  httpStatus?: number;
}

export function graphFailure(code: number, options: GraphFailureOptions = {}): GraphFailure {
  const { httpStatus, title } = known(code);
  return {
    httpStatus: options.httpStatus ?? httpStatus,
    body: {
      error: {
        message: `(#${code}) ${title}`,
        type: 'OAuthException',
        code,
        ...(options.subcode === undefined ? {} : { error_subcode: options.subcode }),
        ...(options.details === undefined
          ? {}
          : { error_data: { messaging_product: 'whatsapp', details: options.details } }),
        fbtrace_id: randomBytes(8).toString('base64url'),
      },
    },
  };
}

/** Meta's answer for an id that does not exist or that the token may not use. */
export function unknownObject(id: string): GraphFailure {
  return graphFailure(100, {
    subcode: 33,
    details:
      `Unsupported request. Object with ID '${id}' does not exist, cannot be loaded due to missing ` +
      'permissions, or does not support this operation',
  });
}

/** An entry of a `failed` status's `errors`. */
export interface StatusError {
  code: number;
  title: string;
  message: string;
  error_data: { details: string };
}

export function statusError(code: number, details?: string): StatusError {
  const { title } = known(code);
  return { code, title, message: title, error_data: { details: details ?? title } };
}
