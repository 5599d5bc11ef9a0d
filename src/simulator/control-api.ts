/**
 * A small control API on the simulator's own port, for people and scripts driving it from the
 * outside (the README tour, the demo): make a user send a message, read what the bot sent.
 *   POST /_simulator/messages  { from, text } or { from, message: UserMessage, name?, phoneNumberId? }
 *   GET  /_simulator/sent[?to=PHONE]
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { z } from 'zod';
import { parseJson, readBody, sendJson } from './http.js';
import type { SentMessage } from './recorder.js';
import type { UserMessage } from './users.js';

export const CONTROL_PREFIX = '/_simulator/';

export interface ControlTarget {
  defaultPhoneNumberId(): string | undefined;
  userSends(phoneNumberId: string, from: string, message: UserMessage, options: { name?: string }): Promise<{ status: number; wamid: string }>;
  sent: readonly SentMessage[];
}

const sendBody = z.object({
  from: z.string().regex(/^\d{5,20}$/, 'a phone number in digits'),
  name: z.string().optional(),
  phoneNumberId: z.string().optional(),
  text: z.string().optional(),
  message: z.looseObject({ type: z.string() }).optional(),
});

export function controlApi(target: ControlTarget): RequestListener {
  const postMessage = async (request: IncomingMessage, response: ServerResponse) => {
    const parsed = sendBody.safeParse(parseJson(await readBody(request)));
    if (!parsed.success) return sendJson(response, 400, { error: parsed.error.issues.map((issue) => issue.message) });
    const { from, name, text, message } = parsed.data;
    const phoneNumberId = parsed.data.phoneNumberId ?? target.defaultPhoneNumberId();
    const userMessage = message ?? (text === undefined ? undefined : { type: 'text', body: text });
    if (!phoneNumberId || !userMessage) return sendJson(response, 400, { error: ['give text or message (and a phoneNumberId)'] });
    try {
      const result = await target.userSends(phoneNumberId, from, userMessage as UserMessage, name === undefined ? {} : { name });
      sendJson(response, 200, { wamid: result.wamid, webhookStatus: result.status });
    } catch (error) {
      sendJson(response, 502, { error: [error instanceof Error ? error.message : String(error)] });
    }
  };

  return (request, response) => {
    const url = new URL(request.url ?? '/', 'http://simulator');
    if (request.method === 'POST' && url.pathname === `${CONTROL_PREFIX}messages`) {
      void postMessage(request, response);
    } else if (request.method === 'GET' && url.pathname === `${CONTROL_PREFIX}sent`) {
      const to = url.searchParams.get('to');
      sendJson(response, 200, { sent: target.sent.filter((message) => to === null || message.to === to) });
    } else {
      request.resume();
      sendJson(response, 404, { error: ['unknown simulator control route'] });
    }
  };
}
