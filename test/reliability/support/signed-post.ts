/** Webhook POSTs as raw bytes, signed (or not) exactly as the test says. */
import { signatureHeader } from '../../../src/whatsapp/signature.js';
import { APP_SECRET } from '../../support/harness.js';

export interface PostAnswer {
  status: number;
  body: string;
}

export async function postRaw(url: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<PostAnswer> {
  const response = await fetch(`${url}/webhooks/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: response.status, body: await response.text() };
}

/** Signed with the app secret over these very bytes. */
export function postSigned(url: string, body: string | Buffer, secret = APP_SECRET): Promise<PostAnswer> {
  return postRaw(url, body, { 'x-hub-signature-256': signatureHeader(secret, body) });
}
