/** The seed's executeFlow API, sending through the simulator over real HTTP. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlowSendMessageError, executeFlow, messageSender, type SeedSession } from '../../../src/compat/seed.js';
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
});
