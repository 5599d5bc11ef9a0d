/**
 * What happens to sessions over a flow's life, through the worker and the database: versions
 * (a session finishes on the version it started with), the loop guard, and flows that start
 * each other back and forth.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '../support/harness.js';
import { chatWith, createFlow, flow, node, playScript, saveFlow, says, startWorld, text, type World } from '../golden/support.js';

/** Small, so a plain chain of nodes trips it. */
const MAX_NODES_PER_STEP = 12;

let world: World;
beforeAll(async () => {
  world = await startWorld({ ENGINE_MAX_NODES_PER_STEP: String(MAX_NODES_PER_STEP) });
});
afterAll(() => world.close());

const sessionsOf = async (phone: string) => chatWith(world, phone).sessions();

describe('versions', () => {
  // v2 renames the waiting node: a v1 session resumed on v2 would stand on a node v2 lacks
  const v1 = flow(
    [
      node('start', 'start'),
      node('ask', 'question', { text: 'Your name? (v1)', variable: 'name' }),
      node('bye', 'end', { text: 'Thanks {{name}} (v1)' }),
    ],
    [['start', 'ask'], ['ask', 'bye']],
  );
  const v2 = flow(
    [
      node('start', 'start'),
      node('ask-v2', 'question', { text: 'What should we call you? (v2)', variable: 'name' }),
      node('bye-v2', 'end', { text: 'Hi {{name}} (v2)' }),
    ],
    [['start', 'ask-v2'], ['ask-v2', 'bye-v2']],
  );

  it('a session finishes on the version it started with; new sessions use the saved version', async () => {
    const flowId = await createFlow(world, 'versioned', v1);
    const ana = chatWith(world, '15559100001');
    const bea = chatWith(world, '15559100002');

    await playScript(ana, [{ send: says('versioned'), expect: [text('Your name? (v1)')] }], expect, 'ana starts on v1');
    expect(await saveFlow(world, flowId, v2)).toBe(2);

    await playScript(ana, [{ send: says('Ana'), expect: [text('Thanks Ana (v1)')] }], expect, 'ana finishes on v1');
    expect(await sessionsOf(ana.phone)).toMatchObject([{ flowVersion: 1, status: 'Completed', currentNodeId: 'bye' }]);

    await playScript(
      bea,
      [
        { send: says('versioned'), expect: [text('What should we call you? (v2)')] },
        { send: says('Bea'), expect: [text('Hi Bea (v2)')] },
      ],
      expect,
      'bea runs v2',
    );
    expect(await sessionsOf(bea.phone)).toMatchObject([{ flowVersion: 2, status: 'Completed', currentNodeId: 'bye-v2' }]);

    // Ana's next session starts on the current version too
    await playScript(ana, [{ send: says('versioned'), expect: [text('What should we call you? (v2)')] }], expect, 'ana again');
    expect(await sessionsOf(ana.phone)).toMatchObject([{ flowVersion: 2, status: 'Paused', currentNodeId: 'ask-v2' }]);

    const versions = await queryRows<{ version: number }>(world.h, sql`select version from flow_versions where flow_id = ${flowId} order by version`);
    expect(versions.map((row) => row.version)).toEqual([1, 2]);
  });

  it('a session on a definition the flow-builder app wrote in place finishes on it after a save here', async () => {
    const flowId = await createFlow(world, 'builder', v1);
    // The flow-builder app edits Flow.definition in place, keeps no versions, bumps none.
    const edited = flow(
      [
        node('start', 'start'),
        node('ask', 'question', { text: 'Your name? (edited)', variable: 'name' }),
        node('bye', 'end', { text: 'Thanks {{name}} (edited)' }),
      ],
      [['start', 'ask'], ['ask', 'bye']],
    );
    await queryRows(world.h, sql`delete from flow_versions where flow_id = ${flowId}`);
    await queryRows(world.h, sql`update "Flow" set definition = ${JSON.stringify(edited)}::jsonb, "updatedAt" = now() where id = ${flowId}`);
    const cy = chatWith(world, '15559100005');
    await playScript(cy, [{ send: says('builder'), expect: [text('Your name? (edited)')] }], expect, 'cy starts on the edited definition');
    expect(await saveFlow(world, flowId, v2)).toBe(2);
    await playScript(cy, [{ send: says('Cy'), expect: [text('Thanks Cy (edited)')] }], expect, 'cy finishes on it');
    expect(await sessionsOf(cy.phone)).toMatchObject([{ flowVersion: 1, status: 'Completed', currentNodeId: 'bye' }]);
  });

  it('a timer set on v1 fires on v1 after v2 is saved', async () => {
    // each version has its own delay node: a v1 timer resumed on v2 would find no node to stand on
    const waiting = (version: string) =>
      flow(
        [
          node('start', 'start'),
          node('hold', 'message', { text: `Hold on (${version})` }),
          node(`pause-${version}`, 'delay', { seconds: 1 }),
          node('done', 'end', { text: `Done (${version})` }),
        ],
        [['start', 'hold'], ['hold', `pause-${version}`], [`pause-${version}`, 'done']],
      );
    const flowId = await createFlow(world, 'versioned delay', waiting('v1'));
    const chat = chatWith(world, '15559100003');
    await playScript(chat, [{ send: says('versioned delay'), expect: [text('Hold on (v1)')] }], expect, 'delay on v1');
    await saveFlow(world, flowId, waiting('v2'));
    await playScript(chat, [{ expect: [text('Done (v1)')] }], expect, 'timer on v1');
    expect(await chat.sessions()).toMatchObject([{ flowVersion: 1, status: 'Completed', currentNodeId: 'done' }]);
  });
});

describe('loop guard', () => {
  it(`errors the session after ${MAX_NODES_PER_STEP} nodes in one step, says why, and sends nothing of that step`, async () => {
    const steps = Array.from({ length: MAX_NODES_PER_STEP + 2 }, (_, i) => node(`s${i + 1}`, 'setVariable', { variable: 'n', value: String(i + 1) }));
    const ids = ['start', 'say', ...steps.map((step) => step.id), 'bye'];
    const chain = flow(
      [node('start', 'start'), node('say', 'message', { text: 'Counting…' }), ...steps, node('bye', 'end', { text: 'Done' })],
      ids.slice(1).map((id, i): [string, string] => [ids[i]!, id]),
    );
    await createFlow(world, 'long chain', chain);
    const chat = chatWith(world, '15559100010');

    await playScript(chat, [{ send: says('long chain'), expect: [] }], expect, 'long chain');
    const [session] = await chat.sessions();
    // start is node 1, "say" node 2, s1 node 3 … s10 node 12: stopped before s11
    expect(session).toMatchObject({ status: 'Errored', currentNodeId: 's11' });
    expect(session!.context?.error).toBe(
      `loop guard: ${MAX_NODES_PER_STEP} nodes ran in one step without waiting; stopped before "s11" (setVariable). ` +
        'The flow probably loops without a waiting node.',
    );
  });

  it('stops two flows that start each other after a few hops', async () => {
    const pingPong = (say: string, target: string) =>
      flow(
        [node('start', 'start'), node('say', 'message', { text: say }), node('jump', 'goto', { flowId: target })],
        [['start', 'say'], ['say', 'jump']],
      );
    // each needs the other's id: create one as a Draft with a placeholder (a goto to a flow that
    // does not exist keeps it from being Active), then point it at the other and activate it
    const { id: ping } = await world.h.createFlow(world.apiKey, { name: 'ping', trigger: 'ping', definition: pingPong('ping', 'placeholder'), status: 'Draft' });
    const pong = await createFlow(world, 'pong', pingPong('pong', ping));
    const activated = await world.h.api('PUT', `/api/v1/flows/${ping}`, { definition: pingPong('ping', pong), status: 'Active' }, world.apiKey);
    expect(activated.status).toBe(200);
    const chat = chatWith(world, '15559100011');

    await playScript(chat, [{ send: says('ping'), expect: ['ping', 'pong', 'ping', 'pong', 'ping'].map(text) }], expect, 'ping pong');
    const sessions = await chat.sessions();
    const byFlow = new Map(sessions.map((session) => [session.flowId, session]));
    expect(byFlow.get(pong)).toMatchObject({ status: 'Completed' });
    expect(byFlow.get(ping)).toMatchObject({ status: 'Errored', context: { error: 'goto: more than 5 flows started by one message' } });
  });
});
