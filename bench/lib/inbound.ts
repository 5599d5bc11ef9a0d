/**
 * Inbound text messages as Meta delivers them: one message per webhook POST, a fresh wamid each
 * time, JSON written the way Meta writes it and signed over those exact bytes.
 */
import { contactOf, messagesChange, newWamid, serializeLikeMeta, webhookBody } from '../../src/simulator/index.js';
import { signatureHeader } from '../../src/whatsapp/signature.js';

export interface InboundMessage {
  /** The sender's phone number. */
  phone: string;
  wamid: string;
  body: Buffer;
  headers: Record<string, string>;
}

export interface InboundOptions {
  appSecret: string;
  phoneNumberId: string;
  displayPhoneNumber: string;
  /** Senders are the contacts 0 … contacts-1, one after another. */
  contacts: number;
}

/** Contact i's phone number: 1555 followed by i on 7 digits. */
export function phoneOf(contact: number): string {
  return `1555${String(contact).padStart(7, '0')}`;
}

/** The text of message `seq`; the bench flow answers with it, which ties a reply to its message. */
export const messageText = (seq: number) => `bench ${seq}`;

export function seqOfReply(text: string): number | null {
  const match = /bench (\d+)$/.exec(text);
  return match ? Number(match[1]) : null;
}

export function createInbound(options: InboundOptions) {
  const number = {
    phoneNumberId: options.phoneNumberId,
    displayPhoneNumber: options.displayPhoneNumber,
    wabaId: `waba-${options.phoneNumberId}`,
  };
  return {
    /** Message `seq`, sent by contact seq mod contacts. */
    message(seq: number): InboundMessage {
      const phone = phoneOf(seq % options.contacts);
      const wamid = newWamid();
      const message = {
        from: phone,
        id: wamid,
        timestamp: String(Math.floor(Date.now() / 1000)),
        type: 'text',
        text: { body: messageText(seq) },
      };
      const payload = webhookBody([
        {
          id: number.wabaId,
          changes: [messagesChange(number, { contacts: [contactOf({ phone, name: `Bench ${phone}` })], messages: [message] })],
        },
      ]);
      const body = Buffer.from(serializeLikeMeta(payload), 'utf8');
      return {
        phone,
        wamid,
        body,
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signatureHeader(options.appSecret, body) },
      };
    },
  };
}
