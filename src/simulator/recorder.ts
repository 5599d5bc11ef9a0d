/**
 * What the simulator saw and did, kept in order, with a way to wait for something to happen.
 */

export interface SentMessage {
  phoneNumberId: string;
  to: string;
  wamid: string;
  /** The request body as received. */
  body: Readonly<Record<string, unknown>>;
  /** Epoch ms. */
  time: number;
}

export interface MarkedRead {
  phoneNumberId: string;
  wamid: string;
  typing: boolean;
  time: number;
}

export interface WebhookDelivery {
  kind: 'message' | 'status' | 'raw';
  /** The exact bytes posted, as text. */
  body: string;
  /** The receiver's HTTP status, or null when the POST failed. */
  status: number | null;
  error: string | null;
  time: number;
}

export type SimulatorEvent =
  | { kind: 'sent'; message: SentMessage }
  /**
   * A send was accepted but its answer never reached the client (it gave up first). The client
   * cannot know the message went out; if it sends again, the user gets it twice — as with Meta.
   */
  | { kind: 'unanswered'; message: SentMessage }
  | { kind: 'read'; read: MarkedRead }
  | { kind: 'webhook'; delivery: WebhookDelivery };

export type Listener = (event: SimulatorEvent) => void;

/**
 * Keeps the last `historyLimit` sends, reads and webhook deliveries each, so a long-running
 * simulator does not grow without bound; listeners see every event.
 */
export class Recorder {
  readonly sent: SentMessage[] = [];
  readonly unanswered: SentMessage[] = [];
  readonly reads: MarkedRead[] = [];
  readonly webhooks: WebhookDelivery[] = [];
  readonly #listeners = new Set<Listener>();
  readonly #historyLimit: number;

  constructor(historyLimit: number) {
    this.#historyLimit = historyLimit;
  }

  record(event: SimulatorEvent): void {
    if (event.kind === 'sent') this.#keep(this.sent, event.message);
    else if (event.kind === 'unanswered') this.#keep(this.unanswered, event.message);
    else if (event.kind === 'read') this.#keep(this.reads, event.read);
    else this.#keep(this.webhooks, event.delivery);
    for (const listener of this.#listeners) listener(event);
  }

  #keep<T>(history: T[], item: T): void {
    history.push(item);
    if (history.length > this.#historyLimit) history.shift();
  }

  /** Calls `listener` for every later event; returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Resolves with the first value other than null, undefined or false that `probe` returns,
   * checked now and after every event; rejects after `timeoutMs` or if `probe` throws.
   */
  waitFor<T>(probe: () => T | null | undefined | false, timeoutMs = 5_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        let value: T | null | undefined | false;
        try {
          value = probe();
        } catch (error) {
          finish();
          reject(error);
          return;
        }
        if (value === null || value === undefined || value === false) return;
        finish();
        resolve(value);
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`simulator: condition not met within ${timeoutMs} ms`));
      }, timeoutMs);
      const unsubscribe = this.subscribe(check);
      const finish = (): void => {
        clearTimeout(timer);
        unsubscribe();
      };
      check();
    });
  }
}
