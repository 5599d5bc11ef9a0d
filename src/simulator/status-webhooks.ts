/**
 * The status webhooks that follow an accepted send (sent → delivered → read, or a failure),
 * spaced by a delay and shaped by the configured faults.
 */
import type { Faults } from './faults.js';
import { statusError } from './graph-errors.js';
import type { SentMessage, WebhookDelivery } from './recorder.js';
import type { WebhookSender } from './webhook-sender.js';
import {
  messagesChange,
  serializeLikeMeta,
  statusObject,
  webhookBody,
  type BusinessNumber,
  type DeliveryStatus,
} from './webhooks.js';

export type HappyStatus = Exclude<DeliveryStatus, 'failed'>;

export interface StatusWebhooksOptions {
  faults: Faults;
  sender: WebhookSender;
  numberOf(phoneNumberId: string): BusinessNumber | undefined;
  /** Between an accepted send and its first status, and between statuses. */
  delayMs: number;
  /** What an undisturbed message goes through; empty sends no status webhooks. */
  happyPath: readonly HappyStatus[];
}

/** The code of a `failed` status when none is given: "Message undeliverable". */
const DEFAULT_FAILURE_CODE = 131026;

export class StatusWebhooks {
  readonly #options: StatusWebhooksOptions;
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #waiting = new Set<(go: boolean) => void>();
  readonly #posting = new Set<Promise<WebhookDelivery>>();
  /** Set for good by `cancelAll`: a loop between two statuses must not plan the next one. */
  #closed = false;

  constructor(options: StatusWebhooksOptions) {
    this.#options = options;
  }

  /**
   * Plans and delivers the status webhooks of a message that was just accepted, spaced by the
   * delay and one after another (each POST answered before the next), so the planned order is
   * the order the receiver sees.
   */
  schedule(message: SentMessage): void {
    const { statuses, failureCode } = this.#options.faults.statusPlan(this.#options.happyPath);
    void (async () => {
      for (const status of statuses) {
        if (!(await this.#pause())) return;
        await this.deliver(message, status, failureCode ?? undefined);
      }
    })();
  }

  /** Waits the delay; false when the simulator stopped, before or meanwhile. */
  #pause(): Promise<boolean> {
    if (this.#closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        this.#waiting.delete(resolve);
        resolve(true);
      }, this.#options.delayMs);
      this.#timers.add(timer);
      this.#waiting.add(resolve);
    });
  }

  /** Delivers a just-accepted message's status webhooks now, one after another. */
  async deliverAll(message: SentMessage): Promise<void> {
    const { statuses, failureCode } = this.#options.faults.statusPlan(this.#options.happyPath);
    for (const status of statuses) await this.deliver(message, status, failureCode ?? undefined);
  }

  /** Sends one status webhook now, or none once closed; `errorCode` applies to `failed`. */
  async deliver(message: SentMessage, status: DeliveryStatus, errorCode?: number): Promise<WebhookDelivery> {
    const number = this.#options.numberOf(message.phoneNumberId);
    if (number === undefined) throw new Error(`simulator: unknown phone number id ${message.phoneNumberId}`);
    const callbackData = message.body.biz_opaque_callback_data;
    const statusEntry = statusObject({
      wamid: message.wamid,
      status,
      recipient: message.to,
      time: Date.now(),
      ...(status === 'failed' ? { error: statusError(errorCode ?? DEFAULT_FAILURE_CODE) } : {}),
      ...(typeof callbackData === 'string' ? { bizOpaqueCallbackData: callbackData } : {}),
    });
    const body = webhookBody([{ id: number.wabaId, changes: [messagesChange(number, { statuses: [statusEntry] })] }]);
    return this.#post(serializeLikeMeta(body));
  }

  /** Posts and tracks the POST until it settles; once closed, posts and records nothing. */
  #post(body: string): Promise<WebhookDelivery> {
    if (this.#closed) {
      return Promise.resolve({ kind: 'status', body, status: null, error: 'simulator closed', time: Date.now() });
    }
    const posting = this.#options.sender.post('status', body);
    this.#posting.add(posting);
    void posting.finally(() => this.#posting.delete(posting));
    return posting;
  }

  /** Stops for good: no status webhook is planned or posted from now on. */
  cancelAll(): void {
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    for (const stop of this.#waiting) stop(false);
    this.#waiting.clear();
  }

  /** Resolves once the POSTs already under way have their outcome (the sender never rejects). */
  async settled(): Promise<void> {
    await Promise.all(this.#posting);
  }
}
