/** Hand-built webhook bodies with chosen wamids (for dedupe, ordering and batch tests). */
import { contactOf, messagesChange, statusObject, webhookBody } from '../../src/simulator/index.js';
import { PHONE_NUMBER_ID } from './harness.js';

export const businessNumber = (phoneNumberId = PHONE_NUMBER_ID) => ({
  phoneNumberId,
  displayPhoneNumber: '15550001111',
  wabaId: `waba-${phoneNumberId}`,
});

export interface TextItem {
  from: string;
  wamid: string;
  body: string;
  time?: number;
  name?: string;
}

const unixSeconds = (ms: number) => String(Math.floor(ms / 1000));

export function textMessage(item: TextItem) {
  return { from: item.from, id: item.wamid, timestamp: unixSeconds(item.time ?? Date.now()), type: 'text', text: { body: item.body } };
}

/** One change holding every message (Meta's usual batch). */
export function textWebhook(items: readonly TextItem[], phoneNumberId = PHONE_NUMBER_ID) {
  return webhookBody([
    {
      id: `waba-${phoneNumberId}`,
      changes: [
        messagesChange(businessNumber(phoneNumberId), {
          contacts: items.map((item) => contactOf({ phone: item.from, name: item.name })),
          messages: items.map(textMessage),
        }),
      ],
    },
  ]);
}

export function statusWebhook(statuses: ReadonlyArray<{ wamid: string; status: 'sent' | 'delivered' | 'read' | 'failed'; recipient: string }>) {
  return webhookBody([
    {
      id: `waba-${PHONE_NUMBER_ID}`,
      changes: [
        messagesChange(businessNumber(), {
          statuses: statuses.map((status) =>
            statusObject({
              ...status,
              time: Date.now(),
              ...(status.status === 'failed' && {
                error: { code: 131026, title: 'Message undeliverable', message: 'Message undeliverable', error_data: { details: 'x' } },
              }),
            }),
          ),
        }),
      ],
    },
  ]);
}

let counter = 0;
export const wamid = (label: string) => `wamid.test-${label}-${Date.now()}-${++counter}`;
