/**
 * Misbehaviour on demand, changeable while the simulator runs: failed sends, slow answers,
 * and status webhooks that fail, repeat or arrive out of order.
 */
import type { DeliveryStatus } from './webhooks.js';

/** How an injected send failure looks to the client. */
export type InjectedFailure =
  /** A Graph error body with this code (and Meta's HTTP status for it unless given). */
  | { kind: 'graph'; code: number; httpStatus?: number; details?: string }
  /** A non-JSON answer, as a proxy or load balancer in front of Meta would give. */
  | { kind: 'http'; httpStatus: number; body?: string }
  /** No answer at all: the request hangs until the client gives up. */
  | { kind: 'timeout' };

export interface FaultSettings {
  /** The next `count` sends fail this way, then sends succeed again. */
  failNext?: { count: number; failure: InjectedFailure };
  /** Each send fails this way with probability `rate` (0–1). */
  failRate?: { rate: number; failure: InjectedFailure };
  /** Delay before every Graph API answer. */
  latencyMs?: number;
  /** Probability that an accepted message ends `failed` (after `sent`) with this error code. */
  failedStatus?: { rate: number; code: number };
  /** Probability that a status webhook is delivered twice. */
  duplicateStatusRate?: number;
  /** Order in which a message's status webhooks are delivered. */
  statusOrder?: StatusOrder;
  /**
   * Deliver a message's status webhooks before answering its send, as when Meta's webhook
   * overtakes the API response: the receiver sees statuses for a wamid it does not know yet.
   */
  statusesBeforeAnswer?: boolean;
}

export type StatusOrder = 'ordered' | 'reversed' | 'shuffled';

export class Faults {
  #settings: FaultSettings = {};
  #failuresLeft = 0;
  readonly #random: () => number;

  constructor(random: () => number = Math.random) {
    this.#random = random;
  }

  /** Replaces every setting; `set({})` restores normal behaviour. */
  set(settings: FaultSettings): void {
    this.#settings = settings;
    this.#failuresLeft = settings.failNext?.count ?? 0;
  }

  get latencyMs(): number {
    return this.#settings.latencyMs ?? 0;
  }

  get statusesBeforeAnswer(): boolean {
    return this.#settings.statusesBeforeAnswer ?? false;
  }

  /** How the next send fails, or null when it succeeds. */
  nextSendFailure(): InjectedFailure | null {
    const { failNext, failRate } = this.#settings;
    if (failNext !== undefined && this.#failuresLeft > 0) {
      this.#failuresLeft -= 1;
      return failNext.failure;
    }
    return failRate !== undefined && this.#chance(failRate.rate) ? failRate.failure : null;
  }

  /**
   * The status webhooks for one accepted message, in delivery order: `happyPath` (or `sent`
   * then `failed` when a failure is drawn), reordered and repeated as configured. An empty
   * `happyPath` means no status webhooks at all.
   */
  statusPlan(happyPath: readonly DeliveryStatus[]): { statuses: DeliveryStatus[]; failureCode: number | null } {
    const { failedStatus, duplicateStatusRate = 0, statusOrder = 'ordered' } = this.#settings;
    if (happyPath.length === 0) return { statuses: [], failureCode: null };
    const failureCode = failedStatus !== undefined && this.#chance(failedStatus.rate) ? failedStatus.code : null;
    const path: readonly DeliveryStatus[] = failureCode === null ? happyPath : ['sent', 'failed'];
    const statuses = this.#arrange(path, statusOrder).flatMap((status) =>
      this.#chance(duplicateStatusRate) ? [status, status] : [status],
    );
    return { statuses, failureCode };
  }

  #chance(rate: number): boolean {
    return rate > 0 && this.#random() < rate;
  }

  #arrange(statuses: readonly DeliveryStatus[], order: StatusOrder): DeliveryStatus[] {
    switch (order) {
      case 'ordered':
        return [...statuses];
      case 'reversed':
        return [...statuses].reverse();
      case 'shuffled':
        return this.#shuffle(statuses);
    }
  }

  #shuffle<T>(items: readonly T[]): T[] {
    return items
      .map((item) => ({ item, key: this.#random() }))
      .sort((a, b) => a.key - b.key)
      .map(({ item }) => item);
  }
}
