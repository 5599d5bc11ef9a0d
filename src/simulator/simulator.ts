/**
 * A fake WhatsApp Cloud API on a real HTTP port: the Graph endpoints waflow calls, the
 * signed status webhooks that follow a send, and users who send messages.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import { CONTROL_PREFIX, controlApi } from './control-api.js';
import { Faults, type FaultSettings } from './faults.js';
import { graphApi, type RegisteredNumber } from './graph-api.js';
import { MediaStore } from './media.js';
import { Recorder, type Listener, type MarkedRead, type SentMessage, type WebhookDelivery } from './recorder.js';
import { StatusWebhooks, type HappyStatus } from './status-webhooks.js';
import { isReply, userMessageObject, type UserMessage } from './users.js';
import { WebhookSender, type PostOptions } from './webhook-sender.js';
import {
  inboundWebhook,
  newWamid,
  recipientIdOf,
  serializeLikeMeta,
  type BatchLayout,
  type DeliveryStatus,
  type InboundItem,
} from './webhooks.js';

export interface PhoneNumberOptions {
  accessToken: string;
  /** As webhooks show it in `metadata.display_phone_number`. */
  displayPhoneNumber?: string;
  /** The WhatsApp Business Account id, used as `entry[].id`. */
  wabaId?: string;
}

export interface SimulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** Signs every webhook the simulator posts. */
  appSecret: string;
  /** Where webhooks go; also settable later with `setWebhookUrl`. */
  webhookUrl?: string;
  phoneNumbers?: Readonly<Record<string, PhoneNumberOptions>>;
  /** Between an accepted send and its first status webhook, and between status webhooks. */
  statusDelayMs?: number;
  /** The statuses every accepted message goes through; [] sends none. */
  statuses?: readonly HappyStatus[];
  /** How many sends, reads and webhook deliveries each `sent`, `reads` and `webhooks` keep. */
  historyLimit?: number;
}

export interface UserSendOptions {
  name?: string;
  /** The user's BSUID, sent as `from_user_id` (and without `from` when the phone is null). */
  userId?: string;
  /**
   * Wamid of the business message this one answers. Replies to buttons, lists, flows and
   * template buttons default to the last message sent to this user.
   */
  replyTo?: string;
}

export interface UserSend extends UserSendOptions {
  phoneNumberId: string;
  /** The user's phone number; null for a username-only user identified by `userId`. */
  from: string | null;
  message: UserMessage;
}

export interface WebhookAnswer {
  /** The receiver's HTTP status. */
  status: number;
}

const DEFAULTS = {
  host: '127.0.0.1',
  statusDelayMs: 10,
  statuses: ['sent', 'delivered', 'read'],
  historyLimit: 10_000,
} as const;

export class Simulator {
  readonly url: string;
  readonly #server: Server;
  readonly #numbers: Map<string, RegisteredNumber>;
  readonly #faults: Faults;
  readonly #recorder: Recorder;
  readonly #media: MediaStore;
  readonly #sender: WebhookSender;
  readonly #statuses: StatusWebhooks;

  private constructor(parts: {
    url: string;
    server: Server;
    numbers: Map<string, RegisteredNumber>;
    faults: Faults;
    recorder: Recorder;
    media: MediaStore;
    sender: WebhookSender;
    statuses: StatusWebhooks;
  }) {
    this.url = parts.url;
    this.#server = parts.server;
    this.#numbers = parts.numbers;
    this.#faults = parts.faults;
    this.#recorder = parts.recorder;
    this.#media = parts.media;
    this.#sender = parts.sender;
    this.#statuses = parts.statuses;
  }

  static async start(options: SimulatorOptions): Promise<Simulator> {
    const numbers = new Map<string, RegisteredNumber>();
    const faults = new Faults();
    const recorder = new Recorder(options.historyLimit ?? DEFAULTS.historyLimit);
    const media = new MediaStore();
    const sender = new WebhookSender(options.appSecret, options.webhookUrl ?? null, recorder);
    const statuses = new StatusWebhooks({
      faults,
      sender,
      numberOf: (phoneNumberId) => numbers.get(phoneNumberId),
      delayMs: options.statusDelayMs ?? DEFAULTS.statusDelayMs,
      happyPath: options.statuses ?? DEFAULTS.statuses,
    });
    let url = '';
    let control: RequestListener = (_request, response) => response.writeHead(503).end();
    const graph = graphApi({
      numbers,
      faults,
      recorder,
      media,
      baseUrl: () => url,
      onAccepted: (message) => statuses.schedule(message),
      deliverStatusesNow: (message) => statuses.deliverAll(message),
    });
    const server = createServer((request, response) =>
      (request.url?.startsWith(CONTROL_PREFIX) ? control : graph)(request, response),
    );
    const host = options.host ?? DEFAULTS.host;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('simulator: not listening on a TCP port');
    url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
    const simulator = new Simulator({ url, server, numbers, faults, recorder, media, sender, statuses });
    for (const [id, phone] of Object.entries(options.phoneNumbers ?? {})) simulator.addPhoneNumber(id, phone);
    control = controlApi({
      defaultPhoneNumberId: () => numbers.keys().next().value,
      userSends: (phoneNumberId, from, message, sendOptions) => simulator.userSends(phoneNumberId, from, message, sendOptions),
      get sent() {
        return simulator.sent;
      },
    });
    return simulator;
  }

  /** Accepted sends, oldest first (the last `historyLimit`). */
  get sent(): readonly SentMessage[] {
    return this.#recorder.sent;
  }

  /** Accepted sends whose answer the client never received (see the `unanswered` event). */
  get unanswered(): readonly SentMessage[] {
    return this.#recorder.unanswered;
  }

  /** Accepted mark-as-read requests, oldest first (the last `historyLimit`). */
  get reads(): readonly MarkedRead[] {
    return this.#recorder.reads;
  }

  /** Webhook POSTs made, with the receiver's answers, oldest first (the last `historyLimit`). */
  get webhooks(): readonly WebhookDelivery[] {
    return this.#recorder.webhooks;
  }

  setWebhookUrl(url: string | null): void {
    this.#sender.url = url;
  }

  addPhoneNumber(phoneNumberId: string, options: PhoneNumberOptions): void {
    this.#numbers.set(phoneNumberId, {
      phoneNumberId,
      accessToken: options.accessToken,
      displayPhoneNumber: options.displayPhoneNumber ?? '15550000000',
      wabaId: options.wabaId ?? `waba-${phoneNumberId}`,
    });
  }

  /** Replaces the fault settings; `setFaults({})` restores normal behaviour. */
  setFaults(faults: FaultSettings): void {
    this.#faults.set(faults);
  }

  subscribe(listener: Listener): () => void {
    return this.#recorder.subscribe(listener);
  }

  /** See Recorder.waitFor: e.g. `waitFor(() => sim.sent.find((m) => m.to === phone))`. */
  waitFor<T>(probe: () => T | null | undefined | false, timeoutMs?: number): Promise<T> {
    return this.#recorder.waitFor(probe, timeoutMs);
  }

  /** A user sends one message: a signed webhook with a fresh wamid and the current time. */
  async userSends(
    phoneNumberId: string,
    from: string | null,
    message: UserMessage,
    options: UserSendOptions = {},
  ): Promise<WebhookAnswer & { wamid: string }> {
    const item = this.#inboundItem({ ...options, phoneNumberId, from, message });
    return { ...(await this.#postInbound([item])), wamid: item.wamid };
  }

  /** Several user messages in one webhook POST, laid out as `layout` says. */
  async usersSend(sends: readonly UserSend[], layout?: BatchLayout): Promise<WebhookAnswer & { wamids: string[] }> {
    const items = sends.map((send) => this.#inboundItem(send));
    return { ...(await this.#postInbound(items, layout)), wamids: items.map((item) => item.wamid) };
  }

  /** Sends a status webhook for an accepted message now, whatever its schedule. */
  async sendStatus(
    wamid: string,
    status: DeliveryStatus,
    options: { errorCode?: number } = {},
  ): Promise<WebhookAnswer> {
    const message = this.#recorder.sent.find((sent) => sent.wamid === wamid);
    if (message === undefined) throw new Error(`simulator: no accepted message ${wamid}`);
    return answerOf(await this.#statuses.deliver(message, status, options.errorCode));
  }

  /** Posts any body (an object is written as Meta writes JSON), signed unless `signature` says otherwise. */
  async postWebhook(body: object | string, options: PostOptions = {}): Promise<WebhookAnswer> {
    const text = typeof body === 'string' ? body : serializeLikeMeta(body);
    return answerOf(await this.#sender.post('raw', text, options));
  }

  async close(): Promise<void> {
    this.#statuses.cancelAll();
    // Abandons the POSTs in flight; they are recorded as failed before close() resolves.
    this.#sender.close();
    await this.#statuses.settled();
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    // Requests held open by a `timeout` fault would otherwise keep the server alive.
    this.#server.closeAllConnections();
    await closed;
  }

  #inboundItem(send: UserSend): InboundItem & { wamid: string } {
    const number = this.#numbers.get(send.phoneNumberId);
    if (number === undefined) throw new Error(`simulator: unknown phone number id ${send.phoneNumberId}`);
    if (send.from === null && send.userId === undefined) throw new Error('simulator: a user needs a phone or a userId');
    const user = { phone: send.from, userId: send.userId, name: send.name };
    const wamid = newWamid();
    const replyTo = send.replyTo ?? (isReply(send.message) ? this.#lastSentTo(number.phoneNumberId, send) : undefined);
    const message = userMessageObject(user, send.message, {
      wamid,
      time: Date.now(),
      replyTo,
      businessNumber: number.displayPhoneNumber,
      media: this.#media,
    });
    return { number, user, message, wamid };
  }

  #lastSentTo(phoneNumberId: string, user: { from: string | null; userId?: string }): string | undefined {
    const recipients = [user.from, user.userId].filter((id) => id !== null && id !== undefined);
    return this.#recorder.sent.findLast(
      (sent) => sent.phoneNumberId === phoneNumberId && recipients.includes(recipientIdOf(sent.to)),
    )?.wamid;
  }

  async #postInbound(items: readonly InboundItem[], layout?: BatchLayout): Promise<WebhookAnswer> {
    return answerOf(await this.#sender.post('message', serializeLikeMeta(inboundWebhook(items, layout))));
  }
}

function answerOf(delivery: WebhookDelivery): WebhookAnswer {
  if (delivery.status === null) throw new Error(`simulator: webhook POST failed: ${delivery.error ?? 'unknown error'}`);
  return { status: delivery.status };
}

export function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  return Simulator.start(options);
}
