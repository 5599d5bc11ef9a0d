import { describe, expect, it } from 'vitest';
import { interpolate, referencedVariables, replaceSecretMarkers, showSecretMarkers } from '../../../src/flows/interpolate.js';

const scope = { variables: { name: 'Ana', 'order.id': '42', empty: '' }, contact: { name: 'Ana P.', phone: '34600' }, input: 'hola' };

describe('interpolate', () => {
  it('fills variables, contact fields and the input, with spaces inside the braces', () => {
    expect(interpolate('Hi {{name}} / {{ contact.name }} / {{contact.phone}} / {{  input }} / #{{order.id}}', scope)).toBe(
      'Hi Ana / Ana P. / 34600 / hola / #42',
    );
  });

  it('renders missing values as empty, never "undefined" or "null"', () => {
    expect(interpolate('[{{nope}}][{{empty}}]', scope)).toBe('[][]');
    expect(interpolate('[{{contact.name}}][{{input}}]', { variables: {}, contact: { name: null, phone: '1' }, input: null })).toBe('[][]');
    expect(interpolate('[{{constructor}}][{{hasOwnProperty}}]', scope)).toBe('[][]');
  });

  it('leaves text that is not a placeholder alone', () => {
    expect(interpolate('{{ two words }} {name} {{}} {{1abc}}', scope)).toBe('{{ two words }} {name} {{}} {{1abc}}');
  });

  it('encodes values (not the template) when asked', () => {
    expect(interpolate('https://x/?q={{input}}&n={{name}}', { ...scope, input: 'a b&c' }, { encode: encodeURIComponent })).toBe(
      'https://x/?q=a%20b%26c&n=Ana',
    );
  });

  it('renders secrets empty, or marks them for a request (and only where the template names them)', () => {
    expect(interpolate('key={{secrets.apiKey}}', scope)).toBe('key=');
    const marked = interpolate('key={{ secrets.apiKey }}&n={{name}}', { ...scope, variables: { name: '{{secrets.other}}' } }, { markSecrets: true });
    expect(showSecretMarkers(marked)).toBe('key={{secrets.apiKey}}&n={{secrets.other}}');
    expect(replaceSecretMarkers(marked, (name) => `<${name}>`)).toBe('key=<apiKey>&n={{secrets.other}}');
  });
});

describe('referencedVariables', () => {
  it('lists names in order, once each', () => {
    expect(referencedVariables('{{a}} {{ b.c }} {{a}} {{contact.name}} {{ bad name }}')).toEqual(['a', 'b.c', 'contact.name']);
    expect(referencedVariables('plain')).toEqual([]);
  });
});
