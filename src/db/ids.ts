/**
 * Text ids in the style of Prisma's cuid(): 'c' + time + counter + randomness, base36, 25 chars.
 * Time first keeps ids roughly ordered, which keeps index inserts cheap.
 */
import { randomFillSync } from 'node:crypto';

let counter = 0;

/** Random bytes drawn 4 KB at a time: one call into the CSPRNG per 512 ids, not one per id. */
const pool = Buffer.alloc(4096);
let taken = pool.length;

function random64(): bigint {
  if (taken === pool.length) {
    randomFillSync(pool);
    taken = 0;
  }
  const value = pool.readBigUInt64BE(taken);
  taken += 8;
  return value;
}

export function newId(): string {
  counter = (counter + 1) % 1_679_616; // 36^4
  const time = Date.now().toString(36).padStart(9, '0');
  const count = counter.toString(36).padStart(4, '0');
  const random = random64().toString(36).padStart(11, '0').slice(-11);
  return `c${time}${count}${random}`;
}
