/** The seed's executeFlow API, sending through the simulator over real HTTP. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlowSendMessageError, FlowUnsupportedEffectError, executeFlow, messageSender, type SeedSession } from '../../../src/compat/seed.js';
import { startSimulator, type Simulator } from '../../../src/simulator/index.js';
import { menuFlow } from '../../fixtures/flows.js';

const PNID = '4242';
const TOKEN = 'EAAG-compat';
let simulator: Simulator;

beforeAll(async () => {
  simulator = await startSimulator({ appSecret: 's', phoneNumbers: { [PNID]: { accessToken: TOKEN } }, statuses: [] });
});
afterAll(() => simulator.close());

const session = (overrides: Partial<SeedSession> = {}): SeedSession => ({
  id: 's1',
  status: 'Active',
  currentNodeId: null,
  context: {},
  flow: { definition: menuFlow, userId: 'u1', name: 'Menu' },
  contact: { phone: '15559990001', name: 'Zoe' },
  ...overrides,
});

const sentTo = (phone: string) => simulator.sent.filter((m) => m.to === phone).map((m) => m.body);

/** start → message → the given node. */
const leadsTo = (last: { id: string; type: string; data: Record<string, unknown> }) => ({
  nodes: [{ id: 'start', type: 'start', data: {} }, { id: 'hello', type: 'message', data: { text: 'One moment.' } }, last],
  edges: [
    { id: 'e1', source: 'start', target: 'hello' },
    { id: 'e2', source: 'hello', target: last.id },
  ],
});

const send = (token = TOKEN) => messageSender({ phoneNumberId: PNID, accessToken: token, graphUrl: simulator.url });

describe('executeFlow', () => {
  it('starts a session, sends its messages and returns the paused state', async () => {
    const state = await executeFlow(session(), 'hola', send(), { type: 'text', rawText: 'hola', interactive: null });
    expect(state).toMatchObject({ status: 'Paused', currentNodeId: 'menu' });
    const bodies = simulator.sent.filter((m) => m.to === '15559990001').map((m) => m.body);
    expect(bodies[0]).toMatchObject({ type: 'text', text: { body: 'Hi Zoe! Welcome.' } });
    expect(bodies[1]).toMatchObject({ type: 'interactive', interactive: { type: 'button' } });
  });

  it('resumes on an interactive reply given as the seed metadata', async () => {
    const paused = await executeFlow(session({ contact: { phone: '15559990002' } }), 'hi', send(), { interactive: null });
    const next = await executeFlow(session({ ...paused, contact: { phone: '15559990002' } }), null, send(), {
      type: 'interactive',
      interactive: { type: 'button_reply', id: 'other', title: 'Something else' },
    });
    expect(next.status).toBe('Completed');
    expect(simulator.sent.filter((m) => m.to === '15559990002').at(-1)!.body).toMatchObject({ text: { body: 'Bye!' } });
  });

  it('starts a finished or errored session over, as the seed does when the trigger matches again', async () => {
    for (const [status, phone] of [['Completed', '15559990003'], ['Errored', '15559990004']] as const) {
      const state = await executeFlow(session({ status, currentNodeId: 'bye', contact: { phone, name: 'Zoe' } }), 'hola', send(), { type: 'text', rawText: 'hola', interactive: null });
      expect(state, status).toMatchObject({ status: 'Paused', currentNodeId: 'menu' });
      expect(simulator.sent.filter((m) => m.to === phone)[0]!.body, status).toMatchObject({ text: { body: 'Hi Zoe! Welcome.' } });
    }
  });

  it('throws FlowSendMessageError with status 401 when the token is invalid (190)', async () => {
    const error = await executeFlow(session(), 'hi', send('EAAG-wrong'), { interactive: null }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlowSendMessageError);
    expect(error).toMatchObject({ status: 401, code: 190 });
  });

  it('refuses an httpRequest node with FlowUnsupportedEffectError, after sending what came before it', async () => {
    const definition = leadsTo({ id: 'lookup', type: 'httpRequest', data: { method: 'GET', url: 'https://api.example.com/orders' } });
    const phone = '15559990005';
    const error = await executeFlow(session({ flow: { definition, userId: 'u1', name: 'Orders' }, contact: { phone } }), 'hi', send(), { interactive: null }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(FlowUnsupportedEffectError);
    expect(error).toMatchObject({ effect: 'http', message: expect.stringMatching(/^flow "Orders": node "lookup" makes an HTTP request/) });
    expect(sentTo(phone)).toEqual([expect.objectContaining({ text: { body: 'One moment.' } })]);
  });

  it('refuses a goto to another flow with FlowUnsupportedEffectError instead of completing without it', async () => {
    const definition = leadsTo({ id: 'jump', type: 'goto', data: { flowId: 'flow-billing' } });
    const error = await executeFlow(session({ flow: { definition, userId: 'u1', name: 'Menu' }, contact: { phone: '15559990006' } }), 'hi', send(), {
      interactive: null,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlowUnsupportedEffectError);
    expect(error).toMatchObject({ effect: 'startFlow', message: expect.stringContaining('flow "flow-billing"') });
  });

  it('leaves a session in Handoff as it is and sends nothing: the operator keeps the conversation', async () => {
    const phone = '15559990007';
    const handedOff = session({ status: 'Handoff', currentNodeId: 'menu', context: { variables: { choice: 'Sales' } }, contact: { phone } });
    const state = await executeFlow(handedOff, 'hola', send(), { type: 'text', rawText: 'hola', interactive: null });
    expect(state).toMatchObject({ status: 'Handoff', currentNodeId: 'menu', context: { variables: { choice: 'Sales' } } });
    expect(sentTo(phone)).toEqual([]);
  });
});
