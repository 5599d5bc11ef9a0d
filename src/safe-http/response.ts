/** Turns a final (non-redirect) response into the result the flow engine reads. */
import { STATUS_CODES } from 'node:http';
import type { HttpResult } from '../engine/types.js';
import type { OpenResponse } from './exchange.js';
import { clip } from './failure.js';

/** How much of an error response is read, to quote in the error. */
const ERROR_BODY_BYTES = 4096;
const ERROR_SNIPPET_CHARS = 200;

export async function readResult(response: OpenResponse, maxResponseBytes: number): Promise<HttpResult> {
  const { status, headers } = response;
  const contentType = headers['content-type'] ?? '';
  if (status < 200 || status >= 300) {
    const { bytes } = await response.readBody(ERROR_BODY_BYTES);
    const snippet = clip(decode(bytes, contentType).replace(/\s+/g, ' ').trim(), ERROR_SNIPPET_CHARS);
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
