/**
 * Graph API client for the calls waflow makes (reference §5, §7): send a message, mark one
 * read (optionally showing typing), look up a media object. Every failure is a GraphApiError;
 * the access token only ever travels in the Authorization header.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { z } from 'zod';
import { GraphApiError } from './errors.js';
import type { OutboundMessage } from './outbound.js';

export interface GraphClientOptions {
  /** e.g. https://graph.facebook.com, or a simulator's URL. */
  baseUrl: string;
  /** e.g. v23.0 */
  apiVersion: string;
  /** Per request, including reading the answer. */
  timeoutMs: number;
}

export interface SendOptions {
  /** Wamid of the message this one quotes (`context.message_id`). */
  replyTo?: string;
  /** Echoed back in this message's status webhooks (≤ 512 bytes). */
  bizOpaqueCallbackData?: string;
}

export interface MediaInfo {
  url: string;
  mime_type: string;
  sha256: string;
  file_size: number;
}

export interface GraphClient {
  send(
    phoneNumberId: string,
    accessToken: string,
    to: string,
    message: OutboundMessage,
    options?: SendOptions,
  ): Promise<{ wamid: string }>;
  markRead(phoneNumberId: string, accessToken: string, wamid: string, options?: { typing?: boolean }): Promise<void>;
  getMedia(accessToken: string, mediaId: string): Promise<MediaInfo>;
}

const sendResponseSchema = z.looseObject({
  messages: z.tuple([z.looseObject({ id: z.string().min(1) })], z.unknown()),
});

const mediaResponseSchema = z.looseObject({
  url: z.string(),
  mime_type: z.string(),
  sha256: z.string(),
  // Documented as a number; some answers carry it as a digit string.
  file_size: z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/).transform(Number)]),
});

interface Answer {
  status: number;
  body: unknown;
}

function timeoutError(ms: number): Error {
  const error = new Error(`no answer within ${ms} ms`);
  error.name = 'TimeoutError';
  return error;
}

/** Idle kept-alive connections close before a server's usual 5 s idle timeout could close them under a request. */
const IDLE_SOCKET_MS = 4_000;

export function createGraphClient(options: GraphClientOptions): GraphClient {
  const root = new URL(`${options.baseUrl.replace(/\/+$/, '')}/${encodeURIComponent(options.apiVersion)}/`);
  const secure = root.protocol === 'https:';
  // node:http with kept-alive connections: a fraction of fetch's CPU per request, on every send.
  const agent = secure ? new HttpsAgent({ keepAlive: true, timeout: IDLE_SOCKET_MS }) : new HttpAgent({ keepAlive: true, timeout: IDLE_SOCKET_MS });

  /** The answer's status and text; a network failure or the deadline rejects. */
  function exchange(method: 'GET' | 'POST', path: string, accessToken: string, body?: object): Promise<{ status: number; text: string }> {
    const payload = body === undefined ? null : Buffer.from(JSON.stringify(body));
    const headers = {
      authorization: `Bearer ${accessToken}`,
      ...(payload === null ? {} : { 'content-type': 'application/json', 'content-length': String(payload.length) }),
    };
    return new Promise((resolve, reject) => {
      const request = (secure ? httpsRequest : httpRequest)(new URL(path, root), { method, headers, agent });
      const deadline = setTimeout(() => request.destroy(timeoutError(options.timeoutMs)), options.timeoutMs);
      const fail = (error: Error) => {
        clearTimeout(deadline);
        reject(error);
      };
      request.on('error', fail);
      request.on('response', (response: IncomingMessage) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', fail);
        response.on('close', () => response.complete || fail(new Error('connection closed before the answer ended')));
        response.on('end', () => {
          clearTimeout(deadline);
          resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
        });
      });
      request.end(payload ?? undefined);
    });
  }

  /** Resolves with a 2xx answer's parsed body; every other outcome is a GraphApiError. */
  async function call(method: 'GET' | 'POST', path: string, accessToken: string, body?: object): Promise<Answer> {
    let status: number;
    let text: string;
    try {
      ({ status, text } = await exchange(method, path, accessToken, body));
    } catch (cause) {
      throw GraphApiError.fromNetworkError(cause);
    }
    if (status < 200 || status > 299) throw GraphApiError.fromResponse(status, text);
    try {
      return { status, body: JSON.parse(text) };
    } catch {
      throw GraphApiError.unexpectedResponse(status, 'its body is not JSON');
    }
  }

  function messagesPath(phoneNumberId: string): string {
    return `${encodeURIComponent(phoneNumberId)}/messages`;
  }

  return {
    async send(phoneNumberId, accessToken, to, message, sendOptions = {}) {
      const answer = await call('POST', messagesPath(phoneNumberId), accessToken, {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to,
        ...message,
        ...(sendOptions.replyTo === undefined ? {} : { context: { message_id: sendOptions.replyTo } }),
        ...(sendOptions.bizOpaqueCallbackData === undefined
          ? {}
          : { biz_opaque_callback_data: sendOptions.bizOpaqueCallbackData }),
      });
      const parsed = sendResponseSchema.safeParse(answer.body);
      if (!parsed.success) throw GraphApiError.unexpectedResponse(answer.status, 'it carries no messages[0].id');
      return { wamid: parsed.data.messages[0].id };
    },

    async markRead(phoneNumberId, accessToken, wamid, readOptions = {}) {
      await call('POST', messagesPath(phoneNumberId), accessToken, {
        messaging_product: 'whatsapp',
        status: 'read',
        message_id: wamid,
        ...(readOptions.typing === true ? { typing_indicator: { type: 'text' } } : {}),
      });
    },

    async getMedia(accessToken, mediaId) {
      const answer = await call('GET', encodeURIComponent(mediaId), accessToken);
      const parsed = mediaResponseSchema.safeParse(answer.body);
      if (!parsed.success) throw GraphApiError.unexpectedResponse(answer.status, 'it does not describe a media object');
      const { url, mime_type, sha256, file_size } = parsed.data;
      return { url, mime_type, sha256, file_size };
    },
  };
}
