import { PGlite } from '@electric-sql/pglite';
import { mkdtempSync } from 'node:fs';
const mode = process.argv[2];
const d = mkdtempSync('/tmp/pgz-');
const c = await PGlite.create({ dataDir: d+'/pgdata', relaxedDurability: true });
await c.exec(`create table m(id text primary key, contact text, wa text, body text, created timestamptz default now());
create unique index on m(wa); create index on m(contact, created);`);
if (mode) await c.exec(mode);
await c.exec('select 1');
const N=3000;
async function run(){
let t=performance.now();
for (let i=0;i<N;i++){ await c.transaction(async tx=>{ await tx.query('insert into m(id,contact,wa,body) values ($1,$2,$3,$4)',[ 'id'+Math.random(), 'c'+(i%100), 'wa'+Math.random(), 'hello there']); }); }
return (performance.now()-t)/N;
}
await run();
console.log(mode||'default', (await run()).toFixed(3),'ms/txn');
