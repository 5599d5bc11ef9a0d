/**
 * Text ids in the style of Prisma's cuid(): 'c' + time + counter + randomness, base36, 25 chars.
 * Time first keeps ids roughly ordered, which keeps index inserts cheap.
 */
import { randomBytes } from 'node:crypto';

let counter = 0;

export function newId(): string {
  counter = (counter + 1) % 1_679_616; // 36^4
  const time = Date.now().toString(36).padStart(9, '0');
  const count = counter.toString(36).padStart(4, '0');
  const random = BigInt(`0x${randomBytes(8).toString('hex')}`).toString(36).padStart(11, '0').slice(-11);
  return `c${time}${count}${random}`;
}
