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

  constructor(options: StatusWebhooksOptions) {
    this.#options = options;
  }

  /** Plans and schedules the status webhooks of a message that was just accepted. */
  schedule(message: SentMessage): void {
    const { statuses, failureCode } = this.#options.faults.statusPlan(this.#options.happyPath);
    statuses.forEach((status, index) => {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        void this.deliver(message, status, failureCode ?? undefined);
      }, this.#options.delayMs * (index + 1));
      this.#timers.add(timer);
    });
  }

  /** Sends one status webhook now; `errorCode` applies to `failed`. */
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
    return this.#options.sender.post('status', serializeLikeMeta(body));
  }

  cancelAll(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }
}
