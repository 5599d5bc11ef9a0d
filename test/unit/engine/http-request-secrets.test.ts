/**
 * Secrets in HTTP requests, from the engine's request to what the worker sends: only the
 * `{{secrets.NAME}}` placeholders the flow's author wrote are filled. The same text arriving in a
 * value (a contact's answer, their profile name, an earlier API answer) is sent as written.
 */
import { describe, expect, it } from 'vitest';
import { fillSecrets } from '../../../src/conversation/request-secrets.js';
import type { EngineInput, HttpRequestSpec } from '../../../src/engine/types.js';
import { SECOND, T0, flow, node, play, says, start } from './helpers.js';

const SECRETS = new Map([
  ['CRM_KEY', 'crm-key-value'],
  ['TOKEN', 'tok"en'],
  ['SHOP', 'shop.example'],
]);
const TYPED = '{{secrets.CRM_KEY}}';

/** start → ask `name` → the request → ok / ko. */
const askThenCall = (request: Record<string, unknown>) =>
  flow(
    [
      node('s', 'start'),
      node('ask', 'question', { text: 'Your name?', variable: 'name' }),
      node('h', 'httpRequest', { method: 'POST', url: 'https://api.example/x', ...request }),
      node('ok', 'message', { text: 'ok' }),
      node('ko', 'message', { text: 'ko' }),
    ],
    [['s', 'ask'], ['ask', 'h'], ['h', 'ok', 'success'], ['h', 'ko', 'error']],
  );

/** The request the engine asks for after the contact answers. */
function requestAfter(answer: string, request: Record<string, unknown>, contactName = 'Ana'): HttpRequestSpec {
  const played = play(askThenCall(request), [[T0, start()], [T0 + SECOND, says(answer)]], { contact: { name: contactName, phone: '34600' } });
  const effect = played.effects.find((candidate) => candidate.kind === 'http');
  if (!effect) throw new Error('no request');
  return effect.request;
}

/** The request as the worker sends it. */
function sent(request: HttpRequestSpec, secrets: ReadonlyMap<string, string> = SECRETS): HttpRequestSpec {
  const filled = fillSecrets(request, secrets);
  if (!filled.ok) throw new Error(filled.error);
  return filled.request;
}

describe('secrets in an HTTP request', () => {
  it('sends an answer spelling a secret placeholder as text, in the body, a header and the URL', () => {
    const request = requestAfter(TYPED, {
      url: 'https://api.example/people/{{name}}?q={{ input }}',
      headers: { 'X-Note': '{{name}}' },
      body: { name: '{{name}}', said: 'I am {{input}}' },
    });
    const wire = sent(request);
    expect(wire.url).toBe(`https://api.example/people/${encodeURIComponent(TYPED)}?q=${encodeURIComponent(TYPED)}`);
    expect(wire.headers['x-note']).toBe(TYPED);
    expect(JSON.parse(wire.body ?? '')).toEqual({ name: TYPED, said: `I am ${TYPED}` });
    expect(JSON.stringify(wire)).not.toContain('crm-key-value');
  });

  it('sends a raw text body and a profile name spelling a placeholder as text', () => {
    const request = requestAfter('x', { body: 'name={{name}} profile={{contact.name}}', headers: { 'Content-Type': 'text/plain' } }, `{{ secrets.TOKEN }}`);
    expect(sent(request).body).toBe('name=x profile={{ secrets.TOKEN }}');
  });

  it('fills the placeholders the author wrote, escaped for where they land', () => {
    const request = requestAfter(TYPED, {
      url: 'https://{{secrets.SHOP}}/x?key={{secrets.TOKEN}}&name={{name}}',
      headers: { Authorization: 'Bearer {{ secrets.TOKEN }}', 'X-Note': '{{name}}' },
      body: { key: '{{secrets.CRM_KEY}}', token: '{{secrets.TOKEN}}', name: '{{name}}' },
    });
    const wire = sent(request);
    expect(wire.url).toBe(`https://shop.example/x?key=${encodeURIComponent('tok"en')}&name=${encodeURIComponent(TYPED)}`);
    expect(wire.headers).toMatchObject({ authorization: 'Bearer tok"en', 'x-note': TYPED });
    expect(JSON.parse(wire.body ?? '')).toEqual({ key: 'crm-key-value', token: 'tok"en', name: TYPED });
  });

  it('does not fail for a secret that is missing but named only by an answer', () => {
    const request = requestAfter('{{secrets.NOT_SET}}', { headers: { 'X-Note': '{{name}}' }, body: { name: '{{name}}' } });
    const filled = fillSecrets(request, new Map());
    expect(filled).toMatchObject({ ok: true, request: { headers: { 'x-note': '{{secrets.NOT_SET}}' } } });
  });

  it('still fails for a missing secret the author wrote, naming only that one', () => {
    const request = requestAfter('{{secrets.OTHER}}', { headers: { Authorization: '{{secrets.NOT_SET}}', 'X-Note': '{{name}}' } });
    expect(fillSecrets(request, SECRETS)).toEqual({ ok: false, error: 'secret "NOT_SET" is not set' });
  });

  it('sends a value saved from an API answer as text when it spells a placeholder', () => {
    const definition = flow(
      [
        node('s', 'start'),
        node('first', 'httpRequest', { method: 'GET', url: 'https://api.example/a', saveAs: { note: 'note' } }),
        node('second', 'httpRequest', { method: 'POST', url: 'https://api.example/b', body: { note: '{{note}}' } }),
        node('ko', 'end', { text: 'ko' }),
      ],
      [['s', 'first'], ['first', 'second', 'success'], ['first', 'ko', 'error'], ['second', 'ko', 'error']],
    );
    const answer: EngineInput = { kind: 'httpResult', nodeId: 'first', result: { ok: true, status: 200, body: { note: TYPED } }, waitUntil: null };
    const played = play(definition, [[T0, start()], [T0 + SECOND, answer]]);
    const second = played.effects.findLast((effect) => effect.kind === 'http');
    expect(second?.kind === 'http' && JSON.parse(sent(second.request).body ?? '')).toEqual({ note: TYPED });
  });

  it('cannot be tricked by an answer holding the marker characters themselves', () => {
    const forged = '\uE000CRM_KEY\uE001';
    const request = requestAfter(forged, { url: 'https://api.example/?q={{name}}', headers: { 'X-Note': '{{name}}' }, body: '{{name}}' });
    const wire = sent(request, SECRETS);
    expect(JSON.stringify(wire)).not.toContain('crm-key-value');
    expect(wire.headers['x-note']).toBe('CRM_KEY');
  });

  it('keeps an author-written marker character from joining an answer into a marker', () => {
    const request = requestAfter('CRM_KEY', { headers: { 'X-Note': '\uE000{{name}}\uE001' } });
    expect(sent(request).headers['x-note']).toBe('CRM_KEY');
  });
});

describe('a URL whose origin a value chooses', () => {
  /** start → ask `name` → the request, `error` not wired: a refusal errors the session with its reason. */
  const played = (request: Record<string, unknown>, answer: string) =>
    play(
      flow(
        [
          node('s', 'start'),
          node('ask', 'question', { text: 'Your name?', variable: 'name' }),
          node('h', 'httpRequest', { method: 'POST', ...request }),
          node('ok', 'message', { text: 'ok' }),
        ],
        [['s', 'ask'], ['ask', 'h'], ['h', 'ok', 'success']],
      ),
      [[T0, start()], [T0 + SECOND, says(answer)]],
    );
  const requests = (run: ReturnType<typeof played>) => run.effects.filter((effect) => effect.kind === 'http');

  it.each([
    ['the host', 'http://{{name}}:18087/v1', 'attacker.test'],
    ['a host label', 'http://{{name}}.shop.test/', 'attacker-shop'],
    ['the end of the host', 'https://api.test{{name}}/v1', '.attacker.test'],
    ['the scheme', 'http{{name}}://api.test/', 's'],
    ['the port', 'https://api.test:{{name}}/', '8443'],
    ['the user info', 'https://{{name}}@api.test/', 'someone'],
  ])('%s: no request that uses a secret is made; the session errors saying why', (_where, url, answer) => {
    for (const uses of [{ headers: { Authorization: 'Bearer {{secrets.TOKEN}}' } }, { body: { key: '{{secrets.CRM_KEY}}' } }]) {
      const run = played({ url, ...uses }, answer);
      expect(requests(run)).toEqual([]);
      expect(run.state.status).toBe('Errored');
      expect(run.state.error).toBe(
        `"h": request failed (secrets are not sent to a host a value chooses: a placeholder stands in the scheme, user info, host or port of "${url}") and "error" is not wired`,
      );
    }
    // Without secrets the request goes, to wherever the value says (the SSRF guard still applies).
    expect(requests(played({ url, headers: { 'X-Note': '{{name}}' } }, answer))).toHaveLength(1);
  });

  it('refuses a value beside a secret in the host', () => {
    const run = played({ url: 'https://{{secrets.SHOP}}.{{name}}/' }, 'attacker.test');
    expect(requests(run)).toEqual([]);
    expect(run.state.error).toContain('secrets are not sent to a host a value chooses');
  });

  it('fills secrets when values stand only in the path, query or fragment', () => {
    const run = played({ url: 'https://{{secrets.SHOP}}:8443/{{name}}/x?q={{name}}#{{name}}', headers: { Authorization: '{{secrets.TOKEN}}' } }, 'evil.test@x:1');
    const [effect] = requests(run);
    expect(effect?.kind === 'http' && sent(effect.request).url).toBe(`https://shop.example:8443/${encodeURIComponent('evil.test@x:1')}/x?q=${encodeURIComponent('evil.test@x:1')}#${encodeURIComponent('evil.test@x:1')}`);
  });
});

describe('secrets in a form body', () => {
  it('are form-encoded as the values around them are', () => {
    const request = requestAfter('Eve&role=admin', {
      body: 'name={{name}}&token={{secrets.TOKEN}}',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(sent(request).body).toBe('name=Eve%26role%3Dadmin&token=tok%22en');
    expect(Object.fromEntries(new URLSearchParams(sent(request).body ?? ''))).toEqual({ name: 'Eve&role=admin', token: 'tok"en' });
  });
});

describe('secrets in a JSON string body', () => {
  it('are JSON-escaped as the values around them are', () => {
    const request = requestAfter('Eve", "role": "admin', {
      body: '{"name": "{{name}}", "token": "{{secrets.TOKEN}}"}',
    });
    expect(request.headers['content-type']).toBe('application/json');
    expect(JSON.parse(sent(request).body ?? '')).toEqual({ name: 'Eve", "role": "admin', token: 'tok"en' });
  });
});
