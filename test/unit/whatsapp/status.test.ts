import { describe, expect, it } from 'vitest';
import { advanceStatus, mapWhatsAppStatus, MESSAGE_STATUSES, type MessageStatus } from '../../../src/whatsapp/status.js';

describe('mapWhatsAppStatus', () => {
  it.each([
    ['sent', 'Sent'],
    ['delivered', 'Delivered'],
    ['read', 'Read'],
    ['played', 'Read'],
    ['failed', 'Failed'],
    ['deleted', 'Pending'],
    ['', 'Pending'],
    ['SENT', 'Pending'],
    ['constructor', 'Pending'],
    ['__proto__', 'Pending'],
  ])('%j → %s', (input, expected) => {
    expect(mapWhatsAppStatus(input)).toBe(expected);
  });
});

describe('advanceStatus', () => {
  // Every pair, written out: [current, incoming, result].
  const table: Array<[MessageStatus, MessageStatus, MessageStatus | null]> = [
    ['Pending', 'Pending', null],
    ['Pending', 'Sent', 'Sent'],
    ['Pending', 'Delivered', 'Delivered'],
    ['Pending', 'Read', 'Read'],
    ['Pending', 'Failed', 'Failed'],
    ['Sent', 'Pending', null],
    ['Sent', 'Sent', null],
    ['Sent', 'Delivered', 'Delivered'],
    ['Sent', 'Read', 'Read'],
    ['Sent', 'Failed', 'Failed'],
    ['Delivered', 'Pending', null],
    ['Delivered', 'Sent', null],
    ['Delivered', 'Delivered', null],
    ['Delivered', 'Read', 'Read'],
    ['Delivered', 'Failed', null],
    ['Read', 'Pending', null],
    ['Read', 'Sent', null],
    ['Read', 'Delivered', null],
    ['Read', 'Read', null],
    ['Read', 'Failed', null],
    ['Failed', 'Pending', null],
    ['Failed', 'Sent', null],
    ['Failed', 'Delivered', 'Delivered'],
    ['Failed', 'Read', 'Read'],
    ['Failed', 'Failed', null],
  ];

  it('covers all 25 pairs', () => {
    const pairs = new Set(table.map(([current, incoming]) => `${current}>${incoming}`));
    expect(pairs.size).toBe(MESSAGE_STATUSES.length ** 2);
  });

  it.each(table)('%s then %s → %s', (current, incoming, expected) => {
    expect(advanceStatus(current, incoming)).toBe(expected);
  });

  it('never moves backwards whatever order a message\'s statuses arrive in', () => {
    const arrivals: MessageStatus[][] = [
      ['Read', 'Delivered', 'Sent'],
      ['Delivered', 'Sent', 'Read', 'Sent'],
      ['Sent', 'Failed', 'Delivered', 'Sent'],
      ['Failed', 'Sent', 'Read'],
    ];
    const finals = arrivals.map((sequence) =>
      sequence.reduce<MessageStatus>((current, incoming) => advanceStatus(current, incoming) ?? current, 'Pending'),
    );
    expect(finals).toEqual(['Read', 'Read', 'Delivered', 'Read']);
  });
});
