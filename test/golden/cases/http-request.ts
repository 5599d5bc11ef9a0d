/** httpRequest: `success` (saveAs, JSON body and headers interpolated), `error` (non-2xx), error unwired. */
import { type CaseContext, type GoldenCase, flow, node, says, text } from '../support.js';

const lookup = (url: string, request: Record<string, unknown> = {}) =>
  flow(
    [
      node('start', 'start'),
      node('call', 'httpRequest', { method: 'GET', url, ...request }),
      node('ok', 'end', { text: 'Plan {{plan}} for {{who}}.' }),
      node('ko', 'end', { text: 'Lookup failed.' }),
    ],
    [['start', 'call'], ['call', 'ok', 'success'], ['call', 'ko', 'error']],
  );

export const cases: GoldenCase[] = [
  {
    name: 'a 2xx answer leaves by success with values saved from its JSON (URL values percent-encoded)',
    trigger: 'golden http success',
    flow: ({ apiUrl }: CaseContext) => lookup(`${apiUrl}/accounts/{{input}}`, { saveAs: { plan: 'account.plan', who: 'account.id' } }),
    script: [{ send: says('golden http success'), expect: [text('Plan gold for golden http success.')] }],
    finalSessions: [{ status: 'Completed', node: 'ok', variables: { plan: 'gold', who: 'golden http success' } }],
  },
  {
    name: 'POST sends the interpolated JSON body and headers',
    trigger: 'golden http post',
    flow: ({ apiUrl }: CaseContext) =>
      lookup(`${apiUrl}/echo`, {
        method: 'POST',
        headers: { 'X-Api-Key': 'key-{{contact.name}}' },
        body: { customer: { name: '{{contact.name}}', said: '{{input}}' }, count: 2 },
        saveAs: { plan: 'body.customer.said', who: 'headers.x-api-key' },
      }),
    script: [{ send: says('golden http post'), expect: [text('Plan golden http post for key-Ana.')] }],
    finalSessions: [{ status: 'Completed', node: 'ok', variables: { plan: 'golden http post', who: 'key-Ana' } }],
  },
  {
    name: 'a non-2xx answer leaves by error',
    trigger: 'golden http error',
    flow: ({ apiUrl }: CaseContext) => lookup(`${apiUrl}/status/503`),
    script: [{ send: says('golden http error'), expect: [text('Lookup failed.')] }],
    finalSessions: [{ status: 'Completed', node: 'ko' }],
  },
  {
    name: 'error unwired: the session errors with the reason',
    trigger: 'golden http error unwired',
    flow: ({ apiUrl }: CaseContext) =>
      flow(
        [node('start', 'start'), node('call', 'httpRequest', { method: 'GET', url: `${apiUrl}/status/500` }), node('ok', 'end', { text: 'Fine.' })],
        [['start', 'call'], ['call', 'ok', 'success']],
      ),
    script: [{ send: says('golden http error unwired'), expect: [] }],
    finalSessions: [{ status: 'Errored', node: 'call', error: '"call": request failed (HTTP 500' }],
  },
];
