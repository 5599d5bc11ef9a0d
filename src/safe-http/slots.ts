/**
 * How many requests may be in flight at once. Each holds a connection and up to the response cap
 * in memory, so without a limit a busy bot calling a slow API (or a tenant on purpose) could open
 * thousands of connections and exhaust the process's memory. At most `total` requests run at
 * once, and at most half of them (at least one) for one caller, so a tenant whose API is slow
 * cannot keep every other tenant's requests waiting. A request that finds no slot it may take
 * waits; freed slots go, in arrival order, to the waiters whose caller may take one.
 */

/** Gives the slot back; calling it again does nothing. */
export type ReleaseSlot = () => void;

export interface Slots {
  /**
   * Resolves once the request may start, with the release of its slot; rejects with the signal's
   * reason if the signal aborts first. A request without a caller counts only toward the total.
   */
  take(caller: string | undefined, signal: AbortSignal): Promise<ReleaseSlot>;
}

interface Waiter {
  /** Arrival order across callers. */
  ticket: number;
  start(release: ReleaseSlot): void;
}

interface Caller {
  running: number;
  waiting: Waiter[];
}

export function createSlots(total: number): Slots {
  const perCaller = Math.ceil(total / 2);
  const callers = new Map<string | undefined, Caller>();
  let running = 0;
  let tickets = 0;

  const callerOf = (key: string | undefined): Caller => {
    let caller = callers.get(key);
    if (caller === undefined) {
      caller = { running: 0, waiting: [] };
      callers.set(key, caller);
    }
    return caller;
  };
  const mayStart = (key: string | undefined, caller: Caller) => running < total && (key === undefined || caller.running < perCaller);

  const forget = (key: string | undefined, caller: Caller) => {
    if (caller.running === 0 && caller.waiting.length === 0) callers.delete(key);
  };

  const grant = (key: string | undefined, caller: Caller): ReleaseSlot => {
    running++;
    caller.running++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      running--;
      caller.running--;
      forget(key, caller);
      startWaiters();
    };
  };

  /** The earliest waiter whose caller may start a request, until none may. */
  const startWaiters = () => {
    for (;;) {
      let next: { key: string | undefined; caller: Caller; waiter: Waiter } | undefined;
      for (const [key, caller] of callers) {
        const [waiter] = caller.waiting;
        if (waiter !== undefined && mayStart(key, caller) && (next === undefined || waiter.ticket < next.waiter.ticket)) next = { key, caller, waiter };
      }
      if (next === undefined) return;
      next.caller.waiting.shift();
      next.waiter.start(grant(next.key, next.caller));
    }
  };

  return {
    take(key, signal) {
      if (signal.aborted) return Promise.reject(signal.reason as unknown);
      const caller = callerOf(key);
      // Waiters ahead of this request cannot start either: each freed slot went to them first.
      if (mayStart(key, caller)) return Promise.resolve(grant(key, caller));
      return new Promise((resolve, reject) => {
        const giveUp = () => {
          caller.waiting.splice(caller.waiting.indexOf(waiter), 1);
          forget(key, caller);
          reject(signal.reason);
        };
        const waiter: Waiter = {
          ticket: tickets++,
          start(release) {
            signal.removeEventListener('abort', giveUp);
            resolve(release);
          },
        };
        caller.waiting.push(waiter);
        signal.addEventListener('abort', giveUp, { once: true });
      });
    },
  };
}
