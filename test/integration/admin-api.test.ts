/** The admin API: authentication, tenant isolation (others' ids are 404), validation and lint. */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { echoFlow, menuFlow } from '../fixtures/flows.js';
import { ACCESS_TOKEN, ADMIN_TOKEN, PHONE_NUMBER_ID, eventually, queryRows, startHarness, type Harness } from '../support/harness.js';

type ApiError = { error: { code: string; message: string; details: Array<{ path: string }> } };

let h: Harness;
let alice: { id: string; apiKey: string };
let bob: { id: string; apiKey: string };

beforeAll(async () => {
  h = await startHarness();
  alice = await h.createUser();
  h.simulator.addPhoneNumber('200300400', { accessToken: 'EAAG-bob' });
  bob = await h.createUser('200300400', 'EAAG-bob');
});
afterAll(() => h.close());

describe('users', () => {
  it('needs the admin token to create users', async () => {
    const body = { name: 'X', metaPhoneNumberId: '555', metaAccessToken: 't' };
    expect((await h.api('POST', '/api/v1/users', body)).status).toBe(401);
    expect((await h.api('POST', '/api/v1/users', body, 'wrong-token-wrong-token')).status).toBe(401);
    expect((await h.api('POST', '/api/v1/users', body, alice.apiKey)).status).toBe(401);
  });

  it('refuses a phone number id another user owns with 409, and bad bodies with 400', async () => {
    const taken = await h.api<ApiError>('POST', '/api/v1/users', { name: 'X', metaPhoneNumberId: PHONE_NUMBER_ID, metaAccessToken: 't' }, ADMIN_TOKEN);
    expect(taken.status).toBe(409);
    expect(taken.body.error.message).toBe('another user already owns this metaPhoneNumberId');
    const bad = await h.api<{ error: { details: Array<{ path: string }> } }>('POST', '/api/v1/users', { name: '', metaPhoneNumberId: 'abc' }, ADMIN_TOKEN);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d) => d.path).sort()).toEqual(['metaAccessToken', 'metaPhoneNumberId', 'name']);
    // A token that could never be sent in a header is refused; a trailing line break is trimmed.
    for (const token of ['EAAG abc', 'EAAG\u00e9', 'EAAG\r\nX-Injected: 1']) {
      const refused = await h.api<{ error: { details: Array<{ path: string }> } }>('POST', '/api/v1/users', { name: 'T', metaPhoneNumberId: '5550001', metaAccessToken: token }, ADMIN_TOKEN);
      expect(refused.status, token).toBe(400);
      expect(refused.body.error.details.map((d) => d.path)).toEqual(['metaAccessToken']);
    }
    const patched = await h.api('PATCH', '/api/v1/me', { metaAccessToken: `${ACCESS_TOKEN}\n` }, alice.apiKey);
    expect(patched.status).toBe(200);
  });

  it('refuses an email another user has with 409, saying it is the email', async () => {
    const email = 'owner@example.com';
    expect((await h.api('PATCH', '/api/v1/me', { email }, alice.apiKey)).status).toBe(200);
    const created = await h.api<ApiError>('POST', '/api/v1/users', { name: 'X', email, metaPhoneNumberId: '5550002', metaAccessToken: 't' }, ADMIN_TOKEN);
    const patched = await h.api<ApiError>('PATCH', '/api/v1/me', { email }, bob.apiKey);
    for (const answer of [created, patched]) {
      expect(answer.status).toBe(409);
      expect(answer.body.error).toMatchObject({ code: 'conflict', message: 'another user already has this email' });
    }
  });

  it('refuses an email longer than an address can be with 400, not a 500 from its index', async () => {
    // Random, so the database cannot compress it under its index's entry limit (~2.7 kB).
    const long = `${randomBytes(6000).toString('base64url')}@example.com`;
    const answers = [
      await h.api<ApiError>('POST', '/api/v1/users', { name: 'X', email: long, metaPhoneNumberId: '5550003', metaAccessToken: 't' }, ADMIN_TOKEN),
      await h.api<ApiError>('PATCH', `/api/v1/users/${bob.id}`, { email: long }, ADMIN_TOKEN),
      await h.api<ApiError>('PATCH', '/api/v1/me', { email: long }, bob.apiKey),
    ];
    for (const answer of answers) {
      expect(answer.status).toBe(400);
      expect(answer.body.error.details.map((d) => d.path)).toEqual(['email']);
    }
    const longest = `${'a'.repeat(64)}@${'b'.repeat(185)}.com`;
    expect(longest).toHaveLength(254);
    expect((await h.api('PATCH', '/api/v1/me', { email: longest }, bob.apiKey)).status).toBe(200);
  });

  it('never returns the access token, and stores it encrypted', async () => {
    const me = await h.api<Record<string, unknown>>('GET', '/api/v1/me', undefined, alice.apiKey);
    expect(me.status).toBe(200);
    expect(JSON.stringify(me.body)).not.toContain(ACCESS_TOKEN);
    const [row] = await queryRows<{ metaAccessToken: string }>(h, sql`select "metaAccessToken" from "User" where id = ${alice.id}`);
    expect(row!.metaAccessToken).not.toContain(ACCESS_TOKEN);
    expect(row!.metaAccessToken).toMatch(/^v1\./);
  });
});

describe('flows', () => {
  it('creates, lists, reads, updates (bumping the version) and deletes a flow', async () => {
    const created = await h.api<{ id: string; version: number; lint: { errors: unknown[] } }>(
      'POST', '/api/v1/flows', { name: 'Menu', trigger: 'menu', status: 'Active', definition: menuFlow }, alice.apiKey,
    );
    expect(created.status).toBe(201);
    expect(created.body.version).toBe(1);
    expect(created.body.lint.errors).toEqual([]);
    const list = await h.api<{ flows: Array<{ id: string }> }>('GET', '/api/v1/flows', undefined, alice.apiKey);
    expect(list.body.flows.map((f) => f.id)).toContain(created.body.id);
    const updated = await h.api<{ version: number; name: string }>(
      'PUT', `/api/v1/flows/${created.body.id}`, { name: 'Menu 2', definition: echoFlow('v2') }, alice.apiKey,
    );
    expect(updated.body).toMatchObject({ version: 2, name: 'Menu 2' });
    const renamed = await h.api<{ version: number }>('PUT', `/api/v1/flows/${created.body.id}`, { name: 'Menu 3' }, alice.apiKey);
    expect(renamed.body.version).toBe(2);
    expect((await h.api('DELETE', `/api/v1/flows/${created.body.id}`, undefined, alice.apiKey)).status).toBe(204);
    expect((await h.api('GET', `/api/v1/flows/${created.body.id}`, undefined, alice.apiKey)).status).toBe(404);
  });

  it('answers 400 listing what is wrong with an invalid definition, and stores nothing', async () => {
    const before = await h.api<{ flows: unknown[] }>('GET', '/api/v1/flows', undefined, alice.apiKey);
    const invalid = await h.api<{ error: { code: string; details: unknown[] } }>(
      'POST', '/api/v1/flows', { name: 'Bad', trigger: 'x', definition: { nodes: [{ id: 'a', type: 'nope', data: {} }], edges: [] } }, alice.apiKey,
    );
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.code).toBe('invalid_definition');
    expect(invalid.body.error.details.length).toBeGreaterThan(0);
    const after = await h.api<{ flows: unknown[] }>('GET', '/api/v1/flows', undefined, alice.apiKey);
    expect(after.body.flows).toHaveLength(before.body.flows.length);
  });

  it('refuses to activate a flow with lint errors, naming the node', async () => {
    const tooManyButtons = structuredClone(menuFlow);
    const menu = tooManyButtons.nodes.find((node) => node.id === 'menu')!;
    (menu.data as { buttons: Array<{ id: string; title: string }> }).buttons.push({ id: 'fourth', title: 'Fourth' });
    const refused = await h.api<{ error: { code: string; details: Array<{ nodeId?: string }> } }>(
      'POST', '/api/v1/flows', { name: 'Too many', trigger: 'x', status: 'Active', definition: tooManyButtons }, alice.apiKey,
    );
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('lint_failed');
    expect(refused.body.error.details.some((issue) => issue.nodeId === 'menu')).toBe(true);
    const draft = await h.api('POST', '/api/v1/flows', { name: 'Too many', trigger: 'x', status: 'Draft', definition: tooManyButtons }, alice.apiKey);
    expect(draft.status).toBe(201);
  });
});

describe('tenant isolation', () => {
  it("gives 404 for another user's flows, contacts and sessions", async () => {
    const flow = await h.createFlow(alice.apiKey, { trigger: 'isolation', definition: echoFlow('hi') });
    await h.simulator.userSends(PHONE_NUMBER_ID, '15557770001', { type: 'text', body: 'isolation' });
    const contacts = await eventually(async () => {
      const list = await h.api<{ contacts: Array<{ id: string }> }>('GET', '/api/v1/contacts', undefined, alice.apiKey);
      return list.body.contacts.length > 0 ? list.body.contacts : null;
    });
    const contactId = contacts[0]!.id;
    for (const path of [`/api/v1/flows/${flow.id}`, `/api/v1/contacts/${contactId}`, `/api/v1/contacts/${contactId}/messages`, `/api/v1/sessions?contactId=${contactId}`]) {
      expect((await h.api('GET', path, undefined, bob.apiKey)).status, path).toBe(404);
    }
    expect((await h.api('PUT', `/api/v1/flows/${flow.id}`, { name: 'stolen' }, bob.apiKey)).status).toBe(404);
    expect((await h.api('DELETE', `/api/v1/flows/${flow.id}`, undefined, bob.apiKey)).status).toBe(404);
    const bobContacts = await h.api<{ contacts: unknown[] }>('GET', '/api/v1/contacts', undefined, bob.apiKey);
    expect(bobContacts.body.contacts).toEqual([]);
  });

  it('needs an API key for every user route', async () => {
    for (const path of ['/api/v1/flows', '/api/v1/contacts', '/api/v1/sessions', '/api/v1/me']) {
      expect((await h.api('GET', path)).status, path).toBe(401);
      expect((await h.api('GET', path, undefined, 'wfk_not-a-key')).status, path).toBe(401);
    }
  });
});

describe('flow updates', () => {
  it('keep the status unless the update names one', async () => {
    const flow = await h.createFlow(alice.apiKey, { trigger: 'keep-status', definition: echoFlow('one') });
    const renamed = await h.api<{ status: string; version: number }>('PATCH', `/api/v1/flows/${flow.id}`, { definition: echoFlow('two') }, alice.apiKey);
    expect(renamed.body).toMatchObject({ status: 'Active', version: 2 });
    const paused = await h.api<{ status: string }>('PUT', `/api/v1/flows/${flow.id}`, { status: 'Inactive' }, alice.apiKey);
    expect(paused.body.status).toBe('Inactive');
  });

  it('rename and deactivate a flow whose stored definition is invalid, and never activate it', async () => {
    const flow = await h.createFlow(alice.apiKey, { trigger: 'stored-invalid', definition: echoFlow('one') });
    // The flow-builder app writes `Flow` directly, without our validation.
    await queryRows(h, sql`update "Flow" set definition = '{"nodes": "broken"}'::jsonb where id = ${flow.id}`);
    const patch = (body: unknown) => h.api<{ status: string; name: string } & ApiError>('PATCH', `/api/v1/flows/${flow.id}`, body, alice.apiKey);
    // An Active flow keeps its status only with a definition that can run.
    expect((await patch({ name: 'Renamed while Active' })).body.error.code).toBe('invalid_definition');
    const deactivated = await patch({ status: 'Inactive' });
    expect(deactivated.status).toBe(200);
    expect(deactivated.body.status).toBe('Inactive');
    const renamed = await patch({ name: 'Renamed' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.name).toBe('Renamed');
    const activated = await patch({ status: 'Active' });
    expect(activated.status).toBe(400);
    expect(activated.body.error.code).toBe('invalid_definition');
    // A definition in the body is always checked, whatever the status.
    expect((await patch({ definition: { nodes: 'broken' } })).body.error.code).toBe('invalid_definition');
    const [stored] = await queryRows<{ status: string; name: string }>(h, sql`select status, name from "Flow" where id = ${flow.id}`);
    expect(stored).toEqual({ status: 'Inactive', name: 'Renamed' });
  });
});
