/**
 * Refuses API input the database could not store, with a 400 naming the field: route
 * parameters, query strings and JSON bodies holding NUL characters or unpaired surrogates, and
 * bodies nested deeper than MAX_JSON_DEPTH. Such input would otherwise fail inside a query.
 */
import type { FastifyRequest } from 'fastify';
import { MAX_JSON_DEPTH, UNSTORABLE_TEXT_MESSAGE, nestedTooDeep, unstorableTextPath } from '../db/storable.js';
import { HttpError } from './errors.js';

export function refuseUnstorableInput(request: FastifyRequest): void {
  const parts: Record<string, unknown> = { params: request.params, query: request.query, body: request.body };
  for (const [part, value] of Object.entries(parts)) {
    if (nestedTooDeep(value)) throw new HttpError(400, 'invalid_request', `request ${part} is nested deeper than ${MAX_JSON_DEPTH} levels`);
    const path = unstorableTextPath(value);
    if (path !== null) throw new HttpError(400, 'invalid_request', `invalid request ${part}`, [{ path, message: UNSTORABLE_TEXT_MESSAGE }]);
  }
}
