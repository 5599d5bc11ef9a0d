/** Golden tests: HTTP requests (success, error, lost result) and saveAs. */
import { describe, expect, it } from 'vitest';
import { HTTP_RESULT_GRACE_MS } from '../../../src/flows/constants.js';
import type { EngineInput, HttpResult } from '../../../src/engine/types.js';
import { SECOND, T0, flow, node, play, says, sendText, start, state, timer } from './helpers.js';

const result = (r: HttpResult, nodeId = 'h'): EngineInput => ({ kind: 'httpResult', nodeId, result: r, waitUntil: null });

const call = (data: Record<string, unknown> = {}, wireError = true) =>
  flow(
    [
      node('s', 'start'),
      node('h', 'httpRequest', {
        method: 'POST',
        url: 'https://api.example/orders/{{order}}?q={{input}}',
        headers: { Authorization: 'Bearer {{token}}', 'X-Note': 'line1\r\nInjected: yes' },
        body: { customer: '{{contact.name}}', note: 'said "{{input}}"', count: 2 },
        saveAs: { status: 'data.status', first: 'data.items[0].name', missing: 'data.nope', all: '' },
        ...data,
      }),
      node('ok', 'message', { text: 'Status: {{status}}, first: {{first}}' }),
      node('ko', 'message', { text: 'Sorry, try later.' }),
    ],
    [['s', 'h'], ['h', 'ok', 'success'], ...(wireError ? ([['h', 'ko', 'error']] as [string, string, string][]) : [])],
  );

const from = state({ variables: { order: 'A/7', token: 't0k', missing: 'stale' } });
const trigger = { type: 'text', text: 'a&b c', reply: null, replyTo: null };

describe('httpRequest', () => {
  it('emits the request (encoded URL values, safe headers, JSON body) and waits Active with a deadline', () => {
    const played = play(call(), [[T0, start(trigger)]], { from });
    expect(played.steps).toEqual([
      {
        effects: [
          {
            kind: 'http',
            nodeId: 'h',
            request: {
              method: 'POST',
              url: 'https://api.example/orders/A%2F7?q=a%26b%20c',
              headers: { authorization: 'Bearer t0k', 'x-note': 'line1 Injected: yes', 'content-type': 'application/json' },
              body: JSON.stringify({ customer: 'Ana', note: 'said "a&b c"', count: 2 }),
              timeoutMs: 10_000,
            },
          },
        ],
        state: state({
          status: 'Active',
          currentNodeId: 'h',
          variables: from.variables,
          timerAt: T0 + 10_000 + HTTP_RESULT_GRACE_MS,
          lastInput: 'a&b c',
        }),
      },
    ]);
  });

  it('leaves by success on 2xx and saves values from the JSON body', () => {
    const body = { data: { status: 'shipped', items: [{ name: 'Pizza' }], count: 3 } };
    const played = play(call(), [[T0, start()], [T0 + SECOND, result({ ok: true, status: 200, body })]], { from });
    expect(played.steps[1]).toEqual({
      effects: [sendText('Status: shipped, first: Pizza')],
      state: state({
        status: 'Completed',
        currentNodeId: 'ok',
        variables: { order: 'A/7', token: 't0k', status: 'shipped', first: 'Pizza', all: JSON.stringify(body) },
      }),
    });
  });

  it('leaves by error on a non-2xx status or a failed request', () => {
    for (const r of [
      { ok: true, status: 404, body: null },
      { ok: false, status: null, error: 'ECONNREFUSED' },
    ] satisfies HttpResult[]) {
      const played = play(call(), [[T0, start()], [T0 + SECOND, result(r)]], { from });
      expect(played.steps[1]).toEqual({
        effects: [sendText('Sorry, try later.')],
        state: state({ status: 'Completed', currentNodeId: 'ko', variables: from.variables }),
      });
    }
  });

  it('leaves by error when no result arrives before the deadline; a late result is ignored', () => {
    const deadline = T0 + 10_000 + HTTP_RESULT_GRACE_MS;
    const played = play(call(), [[T0, start()], [deadline, timer(deadline)], [deadline + 1, result({ ok: true, status: 200, body: {} })]], { from });
    expect(played.steps[1]?.effects).toEqual([sendText('Sorry, try later.')]);
    expect(played.steps[2]).toEqual({ effects: [], state: played.steps[1]?.state });
  });

  it('errors the session with the reason when error is not wired', () => {
    const played = play(call({}, false), [[T0, start()], [T0 + SECOND, result({ ok: false, status: 502, error: 'Bad Gateway' })]], { from });
    expect(played.state).toEqual(
      state({
        status: 'Errored',
        currentNodeId: 'h',
        variables: from.variables,
        error: '"h": request failed (HTTP 502: Bad Gateway) and "error" is not wired',
      }),
    );
  });

  it('ignores the result of a request made before the flow restarted and asked again', () => {
    const first = T0 + 10_000 + HTTP_RESULT_GRACE_MS;
    const second = first + SECOND;
    const body = { data: { status: 'shipped', items: [{ name: 'Pizza' }] } };
    const answer = (waitUntil: number): EngineInput => ({ kind: 'httpResult', nodeId: 'h', result: { ok: true, status: 200, body }, waitUntil });
    const played = play(call(), [[T0, start()], [T0 + SECOND, start()], [T0 + 2 * SECOND, answer(first)], [T0 + 3 * SECOND, answer(second)]], { from });
    expect(played.steps[1]?.state.timerAt).toBe(second);
    expect(played.steps[2]).toEqual({ effects: [], state: played.steps[1]?.state });
    expect(played.steps[3]?.effects).toEqual([sendText('Status: shipped, first: Pizza')]);
  });

  it('ignores a result for another node, and keeps waiting through user messages', () => {
    const played = play(call(), [[T0, start()], [T0 + 1, result({ ok: true, status: 200, body: {} }, 'other')], [T0 + 2, says('hello?')]], { from });
    expect(played.steps[1]).toEqual({ effects: [], state: played.steps[0]?.state });
    expect(played.steps[2]).toEqual({ effects: [], state: { ...played.steps[0]!.state, lastInput: 'hello?' } });
  });

  it('caps the timeout, sends GET without a body, and keeps a string body as written', () => {
    const get = play(call({ method: 'GET', timeoutMs: 120_000 }), [[T0, start()]], { from });
    expect(get.effects[0]).toMatchObject({ request: { method: 'GET', body: null, timeoutMs: 30_000 } });
    const raw = play(call({ body: 'name={{contact.name}}', headers: { 'Content-Type': 'text/plain', 'bad header': 'x' } }), [[T0, start()]], { from });
    expect(raw.effects[0]).toMatchObject({ request: { body: 'name=Ana', headers: { 'content-type': 'text/plain' } } });
  });

  it('takes the error path for a URL that is not http(s)', () => {
    const played = play(call({ url: '{{order}}' }), [[T0, start()]], { from });
    expect(played.steps[0]).toEqual({ effects: [sendText('Sorry, try later.')], state: state({ status: 'Completed', currentNodeId: 'ko', variables: from.variables }) });
  });
});

describe('httpRequest with a string body', () => {
  const ANSWER = 'Eve", "role": "admin';
  const bodyAfter = (data: Record<string, unknown>, answer = ANSWER) => {
    const played = play(call(data), [[T0, start({ ...trigger, text: answer })]], { from });
    const effect = played.effects[0];
    if (effect?.kind !== 'http') throw new Error('no request');
    return effect.request;
  };
  const injectable = '{"role": "customer", "name": "{{input}}"}';

  it('JSON-escapes values when the content type is JSON, so an answer cannot add keys', () => {
    const request = bodyAfter({ body: injectable, headers: { 'Content-Type': 'application/vnd.api+json' } });
    expect(JSON.parse(request.body ?? '')).toEqual({ role: 'customer', name: ANSWER });
  });

  it('sends a body that looks like JSON as JSON when no content type is set', () => {
    const request = bodyAfter({ body: `  ${injectable}`, headers: {} });
    expect(request.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request.body ?? '')).toEqual({ role: 'customer', name: ANSWER });
    expect(JSON.parse(bodyAfter({ body: '["{{input}}"]', headers: {} }).body ?? '')).toEqual([ANSWER]);
  });

  it('form-encodes values in a form body, so an answer cannot add a field', () => {
    const answer = 'Eve&role=admin';
    const request = bodyAfter({ body: 'role=customer&name={{input}}', headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' } }, answer);
    expect(request.body).toBe('role=customer&name=Eve%26role%3Dadmin');
    expect(Object.fromEntries(new URLSearchParams(request.body ?? ''))).toEqual({ role: 'customer', name: answer });
  });

  it('keeps values as they are in a body that is not JSON', () => {
    expect(bodyAfter({ body: injectable, headers: { 'Content-Type': 'text/plain' } }).body).toBe(`{"role": "customer", "name": "${ANSWER}"}`);
    const whole = bodyAfter({ body: '{{input}}', headers: {} });
    expect(whole.body).toBe(ANSWER);
    expect(whole.headers).toEqual({});
  });
});
