/** Queued messages that will not be sent: each becomes Failed with its reason and leaves the outbox. */
import type { Db } from '../db/client.js';
import { markMessagesFailed } from '../db/repositories/messages.js';
import { removeOutbox, type QueuedMessage } from '../db/repositories/outbox.js';
import { messageStatus, type NewRealtimeEvent } from '../realtime/events.js';

/** Runs in the caller's transaction; returns the status events to record with it. */
export async function cancelQueued(tx: Db, queued: readonly QueuedMessage[], reason: string, at: Date): Promise<NewRealtimeEvent[]> {
  const failed = await markMessagesFailed(tx, queued.map((row) => row.messageId), reason, at);
  await removeOutbox(tx, queued.map((row) => row.outboxId));
  return failed.map(messageStatus);
}
