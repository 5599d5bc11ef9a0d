/**
 * Graph API client for the calls waflow makes (reference §5, §7): send a message, mark one
 * read (optionally showing typing), look up a media object. Every failure is a GraphApiError;
 * the access token only ever travels in the Authorization header.
 */
import { z } from 'zod';
import { isStorableText } from '../db/storable.js';
import { ACCESS_TOKEN_PATTERN } from './access-token.js';
import { GraphApiError } from './errors.js';
import { keepAliveClient } from './keep-alive.js';
import type { OutboundMessage } from './outbound.js';
import { MAX_ID_LENGTH } from './webhook-schema.js';

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

/**
 * The wamid of an accepted send is stored (and indexed) with the message, capped like inbound ids:
 * one the database cannot take would fail that write on every retry.
 */
const wamidSchema = z.string().min(1).max(MAX_ID_LENGTH).refine(isStorableText);

const sendResponseSchema = z.looseObject({
  messages: z.tuple([z.looseObject({ id: wamidSchema })], z.unknown()),
});

/** Not retried: Meta may have accepted the message, and a retry would send it again. */
const UNUSABLE_WAMID =
  `its messages[0].id is missing or cannot be stored (not a string, empty, longer than ${MAX_ID_LENGTH} characters, ` +
  'or holding NUL or unpaired surrogates); the message may have been sent, so it is not retried';

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

export function createGraphClient(options: GraphClientOptions): GraphClient {
  const root = new URL(`${options.baseUrl.replace(/\/+$/, '')}/${encodeURIComponent(options.apiVersion)}/`);
  const http = keepAliveClient();

  /** Resolves with a 2xx answer's parsed body; every other outcome is a GraphApiError. */
  async function call(method: 'GET' | 'POST', path: string, accessToken: string, body?: object): Promise<Answer> {
    // Node would refuse the header: a retried "network error" for ever, where the token is the problem.
    if (!ACCESS_TOKEN_PATTERN.test(accessToken)) throw GraphApiError.unsendableToken();
    let status: number;
    let text: string;
    try {
      ({ status, text } = await http.exchange(new URL(path, root), {
        method,
        headers: { authorization: `Bearer ${accessToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? null : Buffer.from(JSON.stringify(body)),
        timeoutMs: options.timeoutMs,
      }));
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
      if (!parsed.success) throw GraphApiError.unexpectedResponse(answer.status, UNUSABLE_WAMID);
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
