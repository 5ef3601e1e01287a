/**
 * Transaction throughput: non-INVITE (OPTIONS) client transactions per second through sipkit's
 * `TransactionLayer` over `UdpTransport` on 127.0.0.1, against sipp as the UAS (Debian
 * `sip-tester`, scenario `sipp/options-uas.xml`: every OPTIONS answered 200 at once).
 *
 * For each concurrency window W (50, 200, and 200 again with a 4 MiB socket receive buffer), W
 * loops each build an OPTIONS, send it in a client
 * transaction and await its final response, then start the next one; after a warm-up, the
 * transactions that complete within the measured span are counted and their latencies (request
 * built to final response) kept. Completed transactions stay in the layer for Timer K (T4 = 5 s
 * on UDP), as they must, so the layer holds about 5 x (tx/s) of them.
 *
 * JsSIP and SIP.js cannot take part (WebSocket-only, no Timer E): their rows say N/A and why.
 * sipp is installed with apt-get when missing and this is root; otherwise the benchmark is
 * skipped with a note. sipp is always killed at the end.
 */
import { createRequest, createResponse } from '@sipkit/parser';
import { TransactionLayer } from '@sipkit/transaction';
import { cryptoRandom, systemClock } from '@sipkit/transport';
import { UdpTransport } from '@sipkit/transport/node';
import { ensureSipp, processCpuSeconds, startSippUas, udpReceiveBufferDrops } from './lib/sipp.mjs';
import { fmt, printTable } from './lib/table.mjs';

export const name = 'transaction-throughput';
export const description =
  'non-INVITE transactions/s through TransactionLayer over UDP loopback, sipp as UAS';

/** Windows, each with the socket receive buffer (undefined: the system default). */
const WINDOWS = [
  { window: 50 },
  { window: 200 },
  // What a load generator would set: no response lost while the event loop is busy.
  { window: 200, recvBufferSize: 4 * 1024 * 1024 },
];
const SCENARIO = new URL('sipp/options-uas.xml', import.meta.url).pathname;
/** Transactions still open this long after the measured span are given up on (counted, not awaited). */
const DRAIN_MS = 3000;
const PEERS_NA =
  'N/A: JsSIP 3.13 and SIP.js 0.21 are WebSocket-only (JsSIP sends through WebSocketInterface, ' +
  "SIP.js's only Transport opens a WebSocket) and neither retransmits non-INVITE requests (no Timer E), " +
  'so neither can run SIP over UDP in Node; no peer figure is invented for this benchmark.';

/** Percentile (nearest rank) of an ascending array. */
function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Drives OPTIONS transactions with `window` in flight for warm-up + measured span; returns the figures. */
async function drive({ window, recvBufferSize }, uas, { warmupMs, measureMs }) {
  let sent = 0;
  let received = 0;
  const transport = new UdpTransport({
    host: '127.0.0.1',
    recvBufferSize,
    onTrace: (direction) => {
      if (direction === 'out') sent++;
      else received++;
    },
  });
  await transport.connect();
  const layer = new TransactionLayer({
    transport,
    clock: systemClock,
    random: cryptoRandom,
    // Nothing should ask us anything; answer politely if sipp ever does.
    user: { onRequest: (tx, req) => tx.respond(createResponse(req, 405)) },
  });
  const target = { host: '127.0.0.1', port: uas.port };
  const local = `127.0.0.1:${transport.local.port}`;
  const runId = cryptoRandom(4).reduce((s, b) => s + b.toString(16).padStart(2, '0'), '');

  const dropsBefore = udpReceiveBufferDrops();
  const t0 = performance.now();
  const measureStart = t0 + warmupMs;
  const measureEnd = measureStart + measureMs;
  const latencies = [];
  let started = 0;
  let nonOk = 0;
  let unfinished = 0;
  let cpu;
  const snapshot = () => ({
    node: process.cpuUsage(),
    sipp: processCpuSeconds(uas.pid),
    at: performance.now(),
  });
  const cpuTimer = setTimeout(() => {
    cpu = snapshot();
  }, warmupMs);
  let giveUp;
  const drained = new Promise((resolve) => {
    giveUp = setTimeout(resolve, warmupMs + measureMs + DRAIN_MS, 'unfinished');
  });

  async function loop(worker) {
    for (let i = 0; performance.now() < measureEnd; i++) {
      const begin = performance.now();
      const request = createRequest({
        method: 'OPTIONS',
        uri: `sip:sipp@127.0.0.1:${uas.port}`,
        headers: {
          From: `<sip:bench@${local}>;tag=${runId}${worker}`,
          To: `<sip:sipp@127.0.0.1:${uas.port}>`,
          'Call-ID': `${runId}-${worker}-${i}@${local}`,
          CSeq: '1 OPTIONS',
          Accept: 'application/sdp',
        },
      });
      started++;
      const response = await Promise.race([layer.request(request, { target }).final, drained]);
      const end = performance.now();
      if (response === 'unfinished') {
        unfinished++;
        return;
      }
      if (end >= measureStart && end <= measureEnd) {
        latencies.push(end - begin);
        if (response.status !== 200) nonOk++;
      }
    }
  }

  let atEnd;
  const endTimer = setTimeout(() => {
    atEnd = { ...snapshot(), live: layer.clientCount };
  }, warmupMs + measureMs);
  await Promise.all(Array.from({ length: window }, (_, w) => loop(w)));
  clearTimeout(cpuTimer);
  clearTimeout(endTimer);
  clearTimeout(giveUp);
  atEnd ??= { ...snapshot(), live: layer.clientCount };
  layer.close();
  await transport.close();
  const dropsAfter = udpReceiveBufferDrops();

  const span = (atEnd.at - cpu.at) / 1000;
  const nodeCpu = (atEnd.node.user - cpu.node.user + atEnd.node.system - cpu.node.system) / 1e6;
  const sippCpu = atEnd.sipp !== undefined && cpu.sipp !== undefined ? atEnd.sipp - cpu.sipp : undefined;
  latencies.sort((a, b) => a - b);
  return {
    window,
    recvBufferSize,
    measuredMs: measureMs,
    transactions: latencies.length,
    perSecond: latencies.length / (measureMs / 1000),
    latencyMs: {
      p50: percentile(latencies, 50),
      p90: percentile(latencies, 90),
      p99: percentile(latencies, 99),
      max: latencies.at(-1) ?? Number.NaN,
    },
    nonOk,
    unfinished,
    started,
    retransmissions: sent - started,
    receiveBufferDrops:
      dropsBefore === undefined || dropsAfter === undefined ? undefined : dropsAfter - dropsBefore,
    datagramsIn: received,
    liveClientTransactions: atEnd.live,
    nodeCpuPercent: (100 * nodeCpu) / span,
    sippCpuPercent: sippCpu === undefined ? undefined : (100 * sippCpu) / span,
  };
}

/** Runs the benchmark, prints the table, returns the result for results/transaction-throughput.json. */
export async function run({ quick = false } = {}) {
  const sipp = ensureSipp();
  if (sipp.skip) {
    console.log(`SKIPPED: ${sipp.skip}`);
    console.log(`JsSIP, SIP.js: ${PEERS_NA}`);
    return { skipped: sipp.skip, peers: PEERS_NA, allTargetsMet: true };
  }
  const timing = quick ? { warmupMs: 300, measureMs: 1000 } : { warmupMs: 1000, measureMs: 5000 };
  const uas = await startSippUas(SCENARIO);
  const results = [];
  try {
    for (const w of WINDOWS) results.push(await drive(w, uas, timing));
  } finally {
    await uas.stop();
  }

  const ms = (v) => fmt(v, 2);
  const rows = [];
  for (const r of results) {
    rows.push([
      'sipkit',
      r.recvBufferSize === undefined
        ? String(r.window)
        : `${r.window}, rcvbuf ${r.recvBufferSize / 2 ** 20} MiB`,
      fmt(r.transactions),
      fmt(r.perSecond),
      ms(r.latencyMs.p50),
      ms(r.latencyMs.p90),
      ms(r.latencyMs.p99),
      ms(r.latencyMs.max),
      fmt(r.retransmissions),
      r.receiveBufferDrops === undefined ? '?' : fmt(r.receiveBufferDrops),
      fmt(r.nonOk),
      fmt(r.unfinished),
      `${fmt(r.nodeCpuPercent)}%`,
      r.sippCpuPercent === undefined ? '?' : `${fmt(r.sippCpuPercent)}%`,
    ]);
  }
  for (const peer of ['JsSIP', 'SIP.js']) rows.push([peer, 'any', 'N/A', 'N/A', ...Array(10).fill('')]);
  console.log(
    `sipp ${sipp.version} UAS on 127.0.0.1:${uas.port}; ${timing.warmupMs} ms warm-up, ${timing.measureMs} ms measured per window`,
  );
  printTable(
    [
      'library',
      'window',
      'tx',
      'tx/s',
      'p50 ms',
      'p90 ms',
      'p99 ms',
      'max ms',
      'retx',
      'rcvbuf drops',
      'non-200',
      'unfinished',
      'node CPU',
      'sipp CPU',
    ],
    rows,
  );
  console.log(`JsSIP, SIP.js: ${PEERS_NA}`);
  console.log(
    `ratios vs peers: N/A. Live client transactions at the end (Timer K): ${results.map((r) => `W${r.window} ${fmt(r.liveClientTransactions)}`).join(', ')}`,
  );
  console.log(
    'retx: requests retransmitted (Timer E); rcvbuf drops: datagrams the kernel dropped on a full socket ' +
      'receive buffer during the window (host-wide); unfinished: still open 3 s after the measured span.',
  );
  const failed = results.reduce((n, r) => n + r.nonOk, 0);
  if (failed > 0) console.log(`WARNING: ${failed} transactions ended in a final response other than 200`);
  return {
    sipp: sipp.version,
    scenario: 'bench/sipp/options-uas.xml',
    timing,
    results,
    peers: PEERS_NA,
    allTargetsMet: failed === 0,
  };
}
