/** Definitions shared by the flow tests. */
import { type FlowDefinition, parseDefinition } from '../../../src/flows/definition.js';

/** One node of every type, as a builder would save them. */
export const EVERY_NODE = [
  { id: 'start', type: 'start', data: {}, position: { x: 0, y: 0 }, width: 120, selected: false },
  { id: 'message', type: 'message', data: { text: 'Hi {{contact.name}}', label: 'builder-only' } },
  { id: 'media', type: 'media', data: { mediaType: 'image', url: 'https://cdn.example/a.png', caption: 'A' } },
  { id: 'buttons', type: 'buttons', data: { text: 'Pick', buttons: [{ id: 'a', title: 'A' }], variable: 'pick', timeoutSeconds: 60 } },
  { id: 'list', type: 'list', data: { text: 'Pick', buttonLabel: 'Open', sections: [{ rows: [{ id: 'r', title: 'R' }] }] } },
  { id: 'question', type: 'question', data: { text: 'Age?', variable: 'age', validation: { type: 'number', min: 0 }, maxRetries: 1 } },
  { id: 'condition', type: 'condition', data: { match: 'any', rules: [{ left: '{{age}}', op: 'gte', right: '18' }, { left: '{{age}}', op: 'isSet' }] } },
  { id: 'setVariable', type: 'setVariable', data: { variable: 'x', value: '{{age}}' } },
  { id: 'delay', type: 'delay', data: { seconds: 5 } },
  { id: 'httpRequest', type: 'httpRequest', data: { method: 'POST', url: 'https://api.example', body: { a: 1 }, saveAs: { x: 'a' } } },
  { id: 'template', type: 'template', data: { name: 'hello', language: 'en_US' } },
  { id: 'handoff', type: 'handoff', data: {} },
  { id: 'goto', type: 'goto', data: { flowId: 'other' } },
  { id: 'end', type: 'end', data: { text: 'Bye' } },
  { id: 'ctaUrl', type: 'ctaUrl', data: { text: 'See', buttonText: 'Open', url: 'https://x.example' } },
  { id: 'location', type: 'location', data: { latitude: 1, longitude: 2 } },
  { id: 'locationRequest', type: 'locationRequest', data: { text: 'Where?' } },
  { id: 'randomSplit', type: 'randomSplit', data: { branches: [{ id: 'a', weight: 2 }, { id: 'b' }] } },
  { id: 'reaction', type: 'reaction', data: { emoji: '👍' } },
];

/** Parses a raw definition, failing the test on schema issues. */
export function parsed(raw: unknown): FlowDefinition {
  const result = parseDefinition(raw);
  if (!result.ok) throw new Error(`invalid test definition: ${JSON.stringify(result.issues)}`);
  return result.definition;
}
