/**
 * Two tenants with something to protect: each has a WhatsApp number, a contact who talked to a
 * flow (so a session and messages exist), a flow and a secret. Tests aim one tenant's key at the
 * other's ids.
 */
import { menuFlow } from '../../fixtures/flows.js';
import { ADMIN_TOKEN, PHONE_NUMBER_ID, eventually, type Harness } from '../../support/harness.js';

export interface TenantWorld {
  id: string;
  apiKey: string;
  phoneNumberId: string;
  /** A contact who sent "menu" and got the menu flow's first messages. */
  contactId: string;
  contactPhone: string;
  flowId: string;
  secretName: string;
}

export interface World {
  h: Harness;
  adminToken: string;
  alice: TenantWorld;
  bob: TenantWorld;
  /** A fresh flow of the tenant, for requests that change or delete one. */
  newFlow(tenant: TenantWorld): Promise<string>;
}

export async function contactIdOf(h: Harness, apiKey: string, phone: string): Promise<string> {
  return eventually(async () => {
    const { body } = await h.api<{ contacts: Array<{ id: string; phone: string }> }>('GET', '/api/v1/contacts', undefined, apiKey);
    return body.contacts.find((contact) => contact.phone === phone)?.id;
  }, 20_000);
}

async function tenant(h: Harness, name: string, phoneNumberId: string, contactPhone: string): Promise<TenantWorld> {
  const accessToken = `EAAG-${name}-token`;
  if (phoneNumberId !== PHONE_NUMBER_ID) h.simulator.addPhoneNumber(phoneNumberId, { accessToken });
  const { id, apiKey } = await h.createUser(phoneNumberId, phoneNumberId === PHONE_NUMBER_ID ? undefined : accessToken);
  const flow = await h.createFlow(apiKey, { name: `${name} menu`, trigger: 'menu', definition: menuFlow });
  const secretName = `${name.toUpperCase()}_API_TOKEN`;
  const saved = await h.api('PUT', `/api/v1/secrets/${secretName}`, { value: `${name}-secret-value` }, apiKey);
  if (saved.status !== 204) throw new Error(`secret not saved: ${saved.status}`);
  await h.simulator.userSends(phoneNumberId, contactPhone, { type: 'text', body: 'menu' });
  const contactId = await contactIdOf(h, apiKey, contactPhone);
  return { id, apiKey, phoneNumberId, contactId, contactPhone, flowId: flow.id, secretName };
}

export async function buildWorld(h: Harness): Promise<World> {
  const alice = await tenant(h, 'alice', PHONE_NUMBER_ID, '15559990001');
  const bob = await tenant(h, 'bob', '200300400', '15559990002');
  let flows = 0;
  return {
    h,
    adminToken: ADMIN_TOKEN,
    alice,
    bob,
    newFlow: async (owner) => (await h.createFlow(owner.apiKey, { name: `spare ${++flows}`, trigger: `spare-${flows}`, definition: menuFlow })).id,
  };
}
