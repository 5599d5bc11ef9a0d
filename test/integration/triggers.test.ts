/**
 * Flow choice through the whole pipeline: the seed's trigger normalisation (accents, case,
 * substring, "default") and the ranking exact > whole word > substring > default, after a
 * session in progress.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { echoFlow, questionFlow } from '../fixtures/flows.js';
import { PHONE_NUMBER_ID, eventually, startHarness, type Harness } from '../support/harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
  const { apiKey } = await h.createUser();
  await h.createFlow(apiKey, { name: 'fallback', trigger: 'default', definition: echoFlow('flow:default') });
  await h.createFlow(apiKey, { name: 'hola', trigger: 'Hola', definition: echoFlow('flow:hola') });
  await h.createFlow(apiKey, { name: 'precio', trigger: 'precio', definition: echoFlow('flow:precio') });
  await h.createFlow(apiKey, { name: 'hola amigo', trigger: 'hola amigo', definition: echoFlow('flow:hola-amigo') });
  await h.createFlow(apiKey, { name: 'ask', trigger: 'pregunta', definition: questionFlow });
});
afterAll(() => h.close());

let phoneCounter = 0;
async function replyTo(text: string): Promise<string> {
  const phone = `1555888${String(++phoneCounter).padStart(4, '0')}`;
  await h.simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: text });
  const sent = await eventually(() => h.simulator.sent.find((message) => message.to === phone));
  return (sent.body.text as { body: string }).body;
}

describe('trigger choice', () => {
  it.each([
    ['  HÓLA ', 'flow:hola'],
    ['hola amigo', 'flow:hola-amigo'],
    // two whole-word matches: the most recently updated flow wins
    ['Hola, ¿cuál es el PRECIO?', 'flow:precio'],
    ['el precio por favor', 'flow:precio'],
    ['holanda', 'flow:hola'],
    ['buenos días', 'flow:default'],
  ])('%j starts %s', async (text, expected) => {
    expect(await replyTo(text)).toBe(expected);
  });
});

describe('messages that say nothing', () => {
  it('a reaction starts no flow, not even the "default" one', async () => {
    const phone = '15558887777';
    await h.simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'reaction', messageId: 'wamid.earlier', emoji: '👍' });
    await h.simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: 'buenos días' });
    const replies = await eventually(() => {
      const sent = h.simulator.sent.filter((message) => message.to === phone);
      return sent.length > 0 ? sent : null;
    });
    // Events are handled in order: had the reaction started the flow, its reply would come first.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(h.simulator.sent.filter((message) => message.to === phone).map((message) => (message.body.text as { body: string }).body)).toEqual(['flow:default']);
    expect(replies).toHaveLength(1);
  });
});

describe('a session in progress', () => {
  it('takes the next message even when it is another flow\'s exact trigger', async () => {
    const phone = '15558889999';
    await h.simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: 'pregunta' });
    await eventually(() => h.simulator.sent.some((message) => message.to === phone));
    await h.simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: 'Hola' });
    const replies = await eventually(() => {
      const sent = h.simulator.sent.filter((message) => message.to === phone);
      return sent.length === 2 ? sent : null;
    });
    expect(replies.map((message) => (message.body.text as { body: string }).body)).toEqual(['Your name?', 'Thanks Hola']);
  });
});
