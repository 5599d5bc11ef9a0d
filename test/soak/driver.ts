/**
 * The load of a soak, acting as Meta: rounds in which every contact sends its next message, in
 * signed batches posted to a random live serve process. A batch that gets no 200 (the process
 * died, a 503) is delivered again, the same bytes, until it does — as Meta retries. A contact's
 * next message goes out only after the previous one was acknowledged, so the order the service
 * must keep is the order of the rounds.
 */
import { signatureHeader } from '../../src/whatsapp/signature.js';
import { APP_SECRET, PHONE_NUMBER_ID } from '../support/harness.js';
import { textWebhook } from '../support/webhooks.js';
import { between, pick, type Random } from './random.js';

export interface LoadOptions {
  contacts: number;
  rounds: number;
  roundIntervalMs: number;
  batchSize: number;
  /** Distinguishes the wamids of one run from another's. */
  runId: string;
}

export interface LoadResult {
  /** Each contact's acknowledged texts, in the order sent. */
  acknowledged: Map<string, string[]>;
  /** POSTs made, and the ones that got no 200 and were delivered again. */
  posts: number;
  redeliveries: number;
}

export const contactPhones = (count: number) => Array.from({ length: count }, (_, i) => `1555900${String(i).padStart(4, '0')}`);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function driveLoad(options: LoadOptions, ingressUrls: () => string[], random: Random): Promise<LoadResult> {
  const phones = contactPhones(options.contacts);
  const acknowledged = new Map(phones.map((phone) => [phone, [] as string[]]));
  let posts = 0;
  let redeliveries = 0;

  /** Posts until some serve process answers 200. */
  const deliver = async (raw: string) => {
    const header = signatureHeader(APP_SECRET, raw);
    for (;;) {
      const urls = ingressUrls();
      if (urls.length > 0) {
        posts += 1;
        try {
          const response = await fetch(`${pick(random, urls)}/webhooks/whatsapp`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-hub-signature-256': header },
            body: raw,
            signal: AbortSignal.timeout(15_000),
          });
          await response.text();
          if (response.status === 200) return;
        } catch {
          // connection refused or reset: the process died under us
        }
        redeliveries += 1;
      }
      await sleep(between(random, 100, 400));
    }
  };

  const started = Date.now();
  for (let round = 0; round < options.rounds; round++) {
    const batches: Array<Promise<void>> = [];
    for (let start = 0; start < phones.length; start += options.batchSize) {
      const items = phones.slice(start, start + options.batchSize).map((from) => ({
        from,
        wamid: `wamid.soak-${options.runId}-${from}-${round}`,
        body: `${from}-m${round}`,
      }));
      batches.push(
        deliver(JSON.stringify(textWebhook(items, PHONE_NUMBER_ID))).then(() => {
          for (const item of items) acknowledged.get(item.from)!.push(item.body);
        }),
      );
    }
    await Promise.all(batches);
    await sleep(Math.max(0, started + (round + 1) * options.roundIntervalMs - Date.now()));
  }
  return { acknowledged, posts, redeliveries };
}
