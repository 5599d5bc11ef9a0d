import { describe, expect, it } from 'vitest';
import { type FlowDefinition, parseDefinition } from '../../../src/flows/definition.js';
import { endText, httpTimeoutMs, isRestartKeyword, maxRetries, sessionTimeoutMs } from '../../../src/flows/settings.js';

function withSettings(settings?: unknown): FlowDefinition {
  const parsed = parseDefinition({ nodes: [{ id: 's', type: 'start', data: {} }], edges: [], ...(settings === undefined ? {} : { settings }) });
  if (!parsed.ok) throw new Error('invalid');
  return parsed.definition;
}

describe('flow settings', () => {
  it('session timeout: 24 h by default, or the flow\'s minutes', () => {
    expect(sessionTimeoutMs(withSettings())).toBe(24 * 60 * 60 * 1000);
    expect(sessionTimeoutMs(withSettings({ sessionTimeoutMinutes: 30 }))).toBe(30 * 60 * 1000);
  });

  it('restart keywords compare as triggers do; none by default', () => {
    const def = withSettings({ restartKeywords: ['Menú', 'reset'] });
    expect(isRestartKeyword(def, '  MENU ')).toBe(true);
    expect(isRestartKeyword(def, 'reset')).toBe(true);
    expect(isRestartKeyword(def, 'the menu')).toBe(false);
    expect(isRestartKeyword(def, null)).toBe(false);
    expect(isRestartKeyword(withSettings({ restartKeywords: [' '] }), ' ')).toBe(false);
    expect(isRestartKeyword(withSettings(), 'menu')).toBe(false);
  });

  it('closing texts default to polite English and can be replaced or silenced', () => {
    expect(endText(withSettings(), 'invalid')).toMatch(/start again/);
    expect(endText(withSettings({ endTexts: { timeout: '' } }), 'timeout')).toBe('');
    expect(endText(withSettings({ endTexts: { invalid: 'Adiós' } }), 'invalid')).toBe('Adiós');
  });

  it('node defaults: 2 retries, 10 s request timeout capped at 30 s', () => {
    expect(maxRetries({})).toBe(2);
    expect(maxRetries({ maxRetries: 0 })).toBe(0);
    expect(httpTimeoutMs({})).toBe(10_000);
    expect(httpTimeoutMs({ timeoutMs: 500 })).toBe(500);
    expect(httpTimeoutMs({ timeoutMs: 60_000 })).toBe(30_000);
  });
});
