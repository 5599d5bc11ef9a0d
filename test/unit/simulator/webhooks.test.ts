import { describe, expect, it } from 'vitest';
import { contactOf, serializeLikeMeta, statusObject } from '../../../src/simulator/webhooks.js';

describe('serializeLikeMeta', () => {
  it('escapes slashes, @ and non-ASCII like Meta, and stays the same JSON', () => {
    const value = { url: 'https://x.test/a', email: 'a@b.c', name: 'Zoë 😀', plain: 'abc' };
    const text = serializeLikeMeta(value);
    expect(text).toBe('{"url":"https:\\/\\/x.test\\/a","email":"a\\u0040b.c","name":"Zo\\u00eb \\ud83d\\ude00","plain":"abc"}');
    expect(/^[\x20-\x7e]*$/.test(text)).toBe(true);
    expect(JSON.parse(text)).toEqual(value);
  });
});

describe('contactOf', () => {
  it('describes phone users, BSUID users and users without a name', () => {
    expect(contactOf({ phone: '1', name: 'A' })).toEqual({ profile: { name: 'A' }, wa_id: '1' });
    expect(contactOf({ phone: null, userId: 'US.1' })).toEqual({ profile: {}, user_id: 'US.1' });
  });
});

describe('statusObject', () => {
  it('writes the timestamp in unix seconds as a string and the recipient by kind', () => {
    const time = 1_712_345_678_999;
    expect(statusObject({ wamid: 'w', status: 'read', recipient: '155', time })).toEqual({
      id: 'w',
      status: 'read',
      timestamp: '1712345678',
      recipient_id: '155',
    });
    // As the send's answer gives `wa_id`: digits only, whatever the `to` was written like.
    expect(statusObject({ wamid: 'w', status: 'read', recipient: '+1 (555) 123-4567', time })).toMatchObject({ recipient_id: '15551234567' });
    expect(statusObject({ wamid: 'w', status: 'sent', recipient: 'US.42', time })).toMatchObject({
      recipient_user_id: 'US.42',
      pricing: { category: 'service' },
    });
  });
});
