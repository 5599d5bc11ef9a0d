/**
 * POSTs webhooks to the receiver the way Meta does: JSON signed with the app secret over the
 * exact bytes sent, in `X-Hub-Signature-256`.
 */
import { Agent as HttpAgent, request as httpRequest, type ClientRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { signatureHeader } from '../whatsapp/signature.js';
import type { Recorder, WebhookDelivery } from './recorder.js';

const POST_TIMEOUT_MS = 10_000;

export interface PostOptions {
  /** A header value to send instead of the right one, or false to send none. */
  signature?: string | false;
}

export class WebhookSender {
  url: string | null;
  readonly #appSecret: string;
  readonly #recorder: Recorder;
  readonly #inFlight = new Set<ClientRequest>();
  // Kept-alive connections: a simulator under load posts thousands of webhooks a second, and
  // node:http costs a fraction of fetch's CPU per request.
  readonly #agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };

  constructor(appSecret: string, url: string | null, recorder: Recorder) {
    this.#appSecret = appSecret;
    this.url = url;
    this.#recorder = recorder;
  }

  /** Never throws: the outcome, success or not, is returned and recorded. */
  async post(kind: WebhookDelivery['kind'], body: string, options: PostOptions = {}): Promise<WebhookDelivery> {
    const bytes = Buffer.from(body, 'utf8');
    const signature = options.signature ?? signatureHeader(this.#appSecret, bytes);
    const outcome = await this.#send(bytes, signature);
    const delivery: WebhookDelivery = { kind, body, ...outcome, time: Date.now() };
    this.#recorder.record({ kind: 'webhook', delivery });
    return delivery;
  }

  #send(bytes: Buffer, signature: string | false): Promise<{ status: number | null; error: string | null }> {
    if (this.url === null) return Promise.resolve({ status: null, error: 'no webhook URL set' });
    const url = new URL(this.url);
    const secure = url.protocol === 'https:';
    const headers = {
      'content-type': 'application/json',
      'content-length': String(bytes.length),
      ...(signature === false ? {} : { 'x-hub-signature-256': signature }),
    };
    return new Promise((resolve) => {
      const request = (secure ? httpsRequest : httpRequest)(url, { method: 'POST', headers, agent: secure ? this.#agents.https : this.#agents.http });
      const settle = (outcome: { status: number | null; error: string | null }) => {
        this.#inFlight.delete(request);
        resolve(outcome);
      };
      this.#inFlight.add(request);
      request.setTimeout(POST_TIMEOUT_MS, () => request.destroy(new Error(`no answer within ${POST_TIMEOUT_MS} ms`)));
      request.on('response', (response) => {
        response.resume();
        response.on('end', () => settle({ status: response.statusCode ?? null, error: null }));
        response.on('error', (error) => settle({ status: null, error: error.message }));
      });
      request.on('error', (error) => settle({ status: null, error: error.message }));
      request.end(bytes);
    });
  }

  /** Abandons every POST still waiting for an answer and closes the kept-alive connections. */
  close(): void {
    for (const request of this.#inFlight) request.destroy(new Error('aborted'));
    this.#agents.http.destroy();
    this.#agents.https.destroy();
  }
}
