/**
 * POSTs webhooks to the receiver the way Meta does: JSON signed with the app secret over the
 * exact bytes sent, in `X-Hub-Signature-256`.
 */
import { keepAliveClient } from '../whatsapp/keep-alive.js';
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
  // A simulator under load posts thousands of webhooks a second: kept-alive connections.
  readonly #http = keepAliveClient();

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

  async #send(bytes: Buffer, signature: string | false): Promise<{ status: number | null; error: string | null }> {
    if (this.url === null) return { status: null, error: 'no webhook URL set' };
    const headers = {
      'content-type': 'application/json',
      ...(signature === false ? {} : { 'x-hub-signature-256': signature }),
    };
    try {
      const { status } = await this.#http.exchange(new URL(this.url), { method: 'POST', headers, body: bytes, timeoutMs: POST_TIMEOUT_MS });
      return { status, error: null };
    } catch (error) {
      return { status: null, error: error instanceof Error ? error.message : String(error) };
    }
  }

  /** Abandons every POST still waiting for an answer and closes the kept-alive connections. */
  close(): void {
    this.#http.close();
  }
}
