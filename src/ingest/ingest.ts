/**
 * The webhook's whole job: check the signature on the raw bytes, parse, store every record in
 * the inbox (group commit), and tell the queue which conversations have work. Nothing slow
 * happens before the answer: flows run in the worker.
 */
import { MAX_JSON_DEPTH, nestedTooDeep, withStorableText } from '../db/storable.js';
import type { TenantDirectory } from '../tenants/directory.js';
import { verifySignature } from '../whatsapp/signature.js';
import type { WebhookRecord } from '../whatsapp/inbound.js';
import { parseWebhook } from '../whatsapp/webhook.js';
import { PHONE_NUMBER_ID_PATTERN } from '../whatsapp/webhook-schema.js';
import type { WorkQueue } from '../queue/port.js';
import { STATUS_QUEUE_KEY, conversationKey } from '../conversation/keys.js';
import type { InboxWriter } from './inbox-writer.js';
import { toInboxRow } from './records.js';

export type IngestResult =
  | { kind: 'stored'; records: number; fresh: number }
  | { kind: 'unsigned'; reason: string }
  | { kind: 'malformed'; reason: string };

export interface IngestDeps {
  appSecret: string | null;
  tenants: TenantDirectory;
  writer: InboxWriter;
  queue: WorkQueue;
  /** A lost notification only delays work (workers rescan the inbox); it must not fail the webhook. */
  onNotifyError(error: unknown): void;
}

export interface Ingest {
  /** Throws only when the inbox cannot be written (the caller answers 503). */
  receive(raw: Buffer, signature: string | undefined): Promise<IngestResult>;
}

export function createIngest(deps: IngestDeps): Ingest {
  /**
   * Tenants may override the app secret: when the global one fails, the secret of a tenant the
   * body names may verify it. The body is not verified yet, so only a few ids that a tenant could
   * own are looked up. Returns the secret that verified, or null.
   */
  const tenantSigner = async (raw: Buffer, signature: string, body: unknown): Promise<string | null> => {
    for (const phoneNumberId of phoneNumberIdsIn(body, MAX_SECRET_LOOKUPS)) {
      const secret = (await deps.tenants.byPhoneNumberId(phoneNumberId))?.appSecret;
      if (secret && verifySignature(raw, signature, [secret])) return secret;
    }
    return null;
  };

  /**
   * A tenant's secret vouches for that tenant's numbers only (tenants sharing one Meta app share
   * it): anything else in the body is kept as ignored, so no tenant can write another's inbox.
   */
  const onlySignersNumbers = async (records: WebhookRecord[], secret: string): Promise<WebhookRecord[]> => {
    const signedFor = async (phoneNumberId: string) => (await deps.tenants.byPhoneNumberId(phoneNumberId))?.appSecret === secret;
    return Promise.all(
      records.map(async (record): Promise<WebhookRecord> => {
        if (record.kind === 'ignored' || (await signedFor(record.phoneNumberId))) return record;
        return {
          kind: 'ignored',
          dedupeKey: `ignored:${record.dedupeKey}`,
          phoneNumberId: record.phoneNumberId,
          contactKey: null,
          reason: `signed with the app secret of another user than the owner of phone_number_id ${record.phoneNumberId}`,
          data: record.data.raw,
        };
      }),
    );
  };

  return {
    async receive(raw, signature) {
      if (!signature) return { kind: 'unsigned', reason: 'missing X-Hub-Signature-256 header' };
      const globalOk = deps.appSecret !== null && verifySignature(raw, signature, [deps.appSecret]);
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        body = undefined;
      }
      const signer = globalOk ? null : await tenantSigner(raw, signature, body);
      if (!globalOk && signer === null) {
        return {
          kind: 'unsigned',
          reason:
            deps.appSecret === null
              ? 'signature cannot be verified: set WHATSAPP_APP_SECRET or the user\'s appSecret'
              : 'signature does not match the body',
        };
      }
      if (body === undefined) return { kind: 'malformed', reason: 'body is not valid JSON' };
      // Meta's payloads nest about ten levels; anything deeper could not even be serialised for storage.
      if (nestedTooDeep(body)) return { kind: 'malformed', reason: `body is nested deeper than ${MAX_JSON_DEPTH} levels` };

      // A NUL or a broken surrogate pair in one field must not make the whole batch unstorable.
      const parsed = parseWebhook(withStorableText(body));
      const records = signer === null ? parsed : await onlySignersNumbers(parsed, signer);
      const fresh = await deps.writer.write(records.map(toInboxRow));
      const conversations = new Set<string>();
      for (const record of records) {
        if (record.kind === 'ignored' || !fresh.has(record.dedupeKey)) continue;
        conversations.add(record.kind === 'status' ? STATUS_QUEUE_KEY : conversationKey(record));
      }
      deps.queue.notify(conversations).catch(deps.onNotifyError);
      return { kind: 'stored', records: records.length, fresh: fresh.size };
    },
  };
}

/** One POST comes from one Meta app, whose numbers all share its secret: a few ids are plenty. */
const MAX_SECRET_LOOKUPS = 10;

function phoneNumberIdsIn(body: unknown, limit: number): Set<string> {
  const ids = new Set<string>();
  const entries = (body as { entry?: unknown } | null)?.entry;
  if (!Array.isArray(entries)) return ids;
  for (const entry of entries) {
    const changes = (entry as { changes?: unknown } | null)?.changes;
    if (!Array.isArray(changes)) continue;
    for (const change of changes) {
      const id = (change as { value?: { metadata?: { phone_number_id?: unknown } } } | null)?.value?.metadata?.phone_number_id;
      if (typeof id === 'string' && PHONE_NUMBER_ID_PATTERN.test(id)) ids.add(id);
      if (ids.size >= limit) return ids;
    }
  }
  return ids;
}
