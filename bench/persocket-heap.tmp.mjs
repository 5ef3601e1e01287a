import { writeHeapSnapshot } from 'node:v8';
import { startKamailio } from './lib/scale-kamailio.mjs';
import { prepareSipkit } from './lib/scale-sipkit.mjs';
const N = Number(process.argv[2] ?? 300);
const k = await startKamailio();
const job = { mode: 'perSocket', transport: 'ws', wsUrl: `ws://127.0.0.1:${k.wsPort}`, domain: 'example.test', prefix: 'u', expires: 3600, n: N };
let reg = 0;
const events = { registered: () => reg++, lost: () => {} };
const W = 100;
const warm = await prepareSipkit({ ...job, n: W }, events, { trace: () => {} });
for (let i = 0; i < W; i++) { await warm.start(i); for (let t = 0; reg <= i - 20 && t < 200; t++) await new Promise(r => setTimeout(r, 10)); }
for (let t = 0; reg < W && t < 300; t++) await new Promise(r => setTimeout(r, 50));
await Promise.all(warm.agents.map((a) => a.stop()));
reg = 0;
await new Promise(r => setTimeout(r, 500));
const pop = await prepareSipkit(job, events, { trace: () => {} });
globalThis.gc(); globalThis.gc(); const before = process.memoryUsage().heapUsed;
if (process.argv[3]) writeHeapSnapshot(process.argv[3] + '.before');
for (let i = 0; i < N; i++) { await pop.start(i); for (let t = 0; reg <= i - 20 && t < 200; t++) await new Promise(r => setTimeout(r, 10)); }
for (let t = 0; reg < N && t < 300; t++) await new Promise(r => setTimeout(r, 50));
await new Promise(r => setTimeout(r, 700));
globalThis.gc(); globalThis.gc();
console.log('registered', reg, 'heap/UA', ((process.memoryUsage().heapUsed - before) / N).toFixed(0));
if (process.argv[3]) writeHeapSnapshot(process.argv[3]);
await k.stop(); process.exit(0);
