/** Turns a final (non-redirect) response into the result the flow engine reads. */
import { STATUS_CODES } from 'node:http';
import type { HttpResult } from '../engine/types.js';
import type { OpenResponse } from './exchange.js';
import { type Redact, quote } from './failure.js';

/**
 * How much of an error response is read, to quote in the error. The quote (200 characters, at
 * most 800 bytes) stays far from the end of what was read, where a secret may be cut off.
 */
const ERROR_BODY_BYTES = 4096;
const ERROR_SNIPPET_CHARS = 200;

export async function readResult(response: OpenResponse, maxResponseBytes: number, redact: Redact): Promise<HttpResult> {
  const { status, headers } = response;
  const contentType = headers['content-type'] ?? '';
  if (status < 200 || status >= 300) {
    const { bytes } = await response.readBody(ERROR_BODY_BYTES);
    // Whitespace is folded after the cut: before, the quote could reach the end of what was read.
    const snippet = quote(decode(bytes, contentType).trimStart(), redact, ERROR_SNIPPET_CHARS).replace(/\s+/g, ' ').trim();
    const reason = response.statusText || STATUS_CODES[status] || 'error response';
    return { ok: false, status, error: snippet === '' ? reason : `${reason}: ${snippet}` };
  }

  const tooLarge: HttpResult = { ok: false, status, error: `response larger than ${maxResponseBytes} bytes` };
  if (Number(headers['content-length']) > maxResponseBytes) {
    response.discard();
    return tooLarge;
  }
  const { bytes, truncated } = await response.readBody(maxResponseBytes);
  if (truncated) return tooLarge;
  return { ok: true, status, body: parseBody(decode(bytes, contentType), contentType) };
}

/**
 * JSON when the content type says so or the text is a JSON object or array; otherwise, or when it
 * does not parse, the text itself.
 */
function parseBody(text: string, contentType: string): unknown {
  const declaredJson = /^[^;]*[/+]json\s*(;|$)/i.test(contentType);
  if (!declaredJson && !/^\s*[[{]/.test(text)) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Text in the declared charset, UTF-8 when none is declared or it is unknown. */
function decode(bytes: Buffer, contentType: string): string {
  const charset = /;\s*charset="?([^";\s]+)/i.exec(contentType)?.[1] ?? 'utf-8';
  try {
    return new TextDecoder(charset).decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}
