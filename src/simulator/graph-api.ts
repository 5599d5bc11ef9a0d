/**
 * The Graph API endpoints waflow calls (reference §5, §7): send and mark-as-read on
 * `POST /{version}/{phone-number-id}/messages`, media lookup on `GET /{version}/{media-id}`,
 * and the media download its URL points to.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import type { Faults, InjectedFailure } from './faults.js';
import { graphFailure, unknownObject } from './graph-errors.js';
import { bearerToken, decodeSegment, parseJson, readBody, sendFailure, sendJson } from './http.js';
import type { MediaStore } from './media.js';
import type { Recorder, SentMessage } from './recorder.js';
import { validateMessagesRequest } from './validation.js';
import { isUserId, newWamid, recipientIdOf, type BusinessNumber } from './webhooks.js';

export interface RegisteredNumber extends BusinessNumber {
  accessToken: string;
}

export interface GraphApiDeps {
  numbers: ReadonlyMap<string, RegisteredNumber>;
  faults: Faults;
  recorder: Recorder;
  media: MediaStore;
  /** Where the simulator is reachable, for media URLs. */
  baseUrl(): string;
  /** Called after a send was accepted and answered. */
  onAccepted(message: SentMessage): void;
  /** Delivers an accepted message's status webhooks at once (before its send is answered). */
  deliverStatusesNow(message: SentMessage): Promise<void>;
}

const VERSION = String.raw`v\d+(?:\.\d+)?`;
const MESSAGES_PATH = new RegExp(String.raw`^/${VERSION}/([^/]+)/messages$`);
const OBJECT_PATH = new RegExp(String.raw`^/${VERSION}/([^/]+)$`);
const MEDIA_FILE_PATH = /^\/media-files\/([^/]+)$/;

const invalidToken = () => graphFailure(190);

export function graphApi(deps: GraphApiDeps): RequestListener {
  const isKnownToken = (token: string | null): boolean =>
    token !== null && [...deps.numbers.values()].some((number) => number.accessToken === token);

  function injectFailure(response: ServerResponse, failure: InjectedFailure): void {
    switch (failure.kind) {
      case 'graph':
        sendFailure(response, graphFailure(failure.code, { httpStatus: failure.httpStatus, details: failure.details }));
        return;
      case 'http':
        response.writeHead(failure.httpStatus, { 'content-type': 'text/html' });
        response.end(failure.body ?? `<html><body><h1>${failure.httpStatus}</h1></body></html>`);
        return;
      case 'timeout':
        // Never answered; the socket is closed when the client gives up or the simulator stops.
        return;
    }
  }

  async function accept(response: ServerResponse, phoneNumberId: string, to: string, body: SentMessage['body']): Promise<void> {
    const sent: SentMessage = { phoneNumberId, to, wamid: newWamid(), body, time: Date.now() };
    deps.recorder.record({ kind: 'sent', message: sent });
    const early = deps.faults.statusesBeforeAnswer;
    if (early) await deps.deliverStatusesNow(sent);
    const contact = isUserId(to) ? { input: to, user_id: to } : { input: to, wa_id: recipientIdOf(to) };
    const unanswered = () => deps.recorder.record({ kind: 'unanswered', message: sent });
    if (response.destroyed) unanswered();
    else response.once('close', () => response.writableFinished || unanswered());
    sendJson(response, 200, { messaging_product: 'whatsapp', contacts: [contact], messages: [{ id: sent.wamid }] });
    if (!early) deps.onAccepted(sent);
  }

  async function postMessages(
    request: IncomingMessage,
    response: ServerResponse,
    phoneNumberId: string,
  ): Promise<void> {
    const text = await readBody(request);
    const token = bearerToken(request);
    if (!isKnownToken(token)) return sendFailure(response, invalidToken());
    const number = deps.numbers.get(phoneNumberId);
    if (number?.accessToken !== token) return sendFailure(response, unknownObject(phoneNumberId));
    const body = parseJson(text);
    if (body === undefined) {
      return sendFailure(response, graphFailure(100, { details: 'The request body is not valid JSON' }));
    }

    const parsed = validateMessagesRequest(body);
    switch (parsed.kind) {
      case 'invalid':
        return sendFailure(response, graphFailure(parsed.code, { details: parsed.details }));
      case 'read': {
        const read = { phoneNumberId, wamid: parsed.messageId, typing: parsed.typing, time: Date.now() };
        deps.recorder.record({ kind: 'read', read });
        return sendJson(response, 200, { success: true });
      }
      case 'send': {
        // Injected failures hit valid sends only, as Meta's rate limits and outages do.
        const failure = deps.faults.nextSendFailure();
        if (failure !== null) return injectFailure(response, failure);
        return accept(response, phoneNumberId, parsed.to, parsed.body);
      }
    }
  }

  function getMediaInfo(request: IncomingMessage, response: ServerResponse, mediaId: string): void {
    if (!isKnownToken(bearerToken(request))) return sendFailure(response, invalidToken());
    const media = deps.media.get(mediaId);
    if (media === undefined) return sendFailure(response, unknownObject(mediaId));
    sendJson(response, 200, {
      messaging_product: 'whatsapp',
      url: `${deps.baseUrl()}/media-files/${encodeURIComponent(media.id)}`,
      mime_type: media.mimeType,
      sha256: media.sha256,
      file_size: media.bytes.length,
      id: media.id,
    });
  }

  function getMediaFile(request: IncomingMessage, response: ServerResponse, mediaId: string): void {
    const media = deps.media.get(mediaId);
    if (!isKnownToken(bearerToken(request))) {
      response.writeHead(401).end();
    } else if (media === undefined) {
      response.writeHead(404).end();
    } else {
      response.writeHead(200, { 'content-type': media.mimeType, 'content-length': media.bytes.length }).end(media.bytes);
    }
  }

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const { pathname } = new URL(request.url ?? '/', 'http://simulator');
    if (deps.faults.latencyMs > 0) await delay(deps.faults.latencyMs);
    const segment = (pattern: RegExp): string | null => {
      const raw = pattern.exec(pathname)?.[1];
      return raw === undefined ? null : decodeSegment(raw);
    };
    const phoneNumberId = segment(MESSAGES_PATH);
    if (request.method === 'POST' && phoneNumberId !== null) return postMessages(request, response, phoneNumberId);
    const mediaFile = segment(MEDIA_FILE_PATH);
    if (request.method === 'GET' && mediaFile !== null) return getMediaFile(request, response, mediaFile);
    const objectId = segment(OBJECT_PATH);
    if (request.method === 'GET' && objectId !== null) return getMediaInfo(request, response, objectId);
    request.resume();
    sendFailure(response, graphFailure(2500, { details: `Unknown path components: ${pathname}` }));
  }

  return (request, response) => {
    route(request, response).catch(() => {
      if (!response.headersSent) sendFailure(response, graphFailure(1));
    });
  };
}
