/**
 * Registration scale: N user agents in one Node process registering to a loopback registrar,
 * each population in a child process of its own (lib/scale-worker.mjs) so heap figures are clean.
 *
 * - sipkit over UDP, one `UserAgent` per account, to the embedded development registrar of
 *   apps/demo (in its own process, lib/scale-registrar.mjs) and to Kamailio (a private instance
 *   with bench/kamailio/scale.cfg, lib/scale-kamailio.mjs), N = 1k, 5k, 10k; one row per sipkit
 *   client mode (lib/scale-sipkit.mjs `clientModes`).
 * - JsSIP 3.13 and SIP.js 0.21 (WebSocket-only) over WS to the same Kamailio, and sipkit over WS
 *   to it at the same N, in the same run: the ratios compare those. At 10k, where Kamailio runs
 *   out of open files, the same three over WS to the embedded registrar (MD5 challenges only, as
 *   Kamailio's, since the peers answer nothing else).
 *
 * Per population: time until all N are registered (started `window` at a time), then a hold in
 * which every UA refreshes once on its own schedule (REGISTERs and responses counted, lost
 * registrations counted), and heap per UA = (heap after a forced GC once registered and idle -
 * heap before the first UA) / N, the baseline taken after a warm-up population of 500 UAs has
 * registered and stopped (so one-off JIT code is not counted as per-UA heap). The expiry is scaled with N so each UA refreshes after the idle
 * heap sample and within the hold (refresh interval R = 12 s + 3 ms x N: 15 s at 1k, 42 s at
 * 10k); each library gets the expiry at which its own policy refreshes every R seconds.
 * Registrars are fresh for each population and always stopped. Target: 10k registered in one
 * process at < 2 KB heap per idle registered UA.
 */
import { ensureKamailio, startKamailio } from './lib/scale-kamailio.mjs';
import { startDevRegistrar } from './lib/scale-registrar.mjs';
import { clientModes } from './lib/scale-sipkit.mjs';
import { runPopulation } from './lib/scale-worker.mjs';
import { fmt, printTable } from './lib/table.mjs';

export const name = 'registration-scale';
export const description =
  'N UserAgents in one process registering to a loopback registrar (embedded, Kamailio): time to registered, refresh load, heap/UA; JsSIP, SIP.js over WS';

const DOMAIN = 'example.test';
const TARGET_N = 10_000;
const TARGET_HEAP_BYTES = 2048;
/** REGISTERs started at once (a new one as each finishes), so the registrar is not flooded. */
const WINDOW = 200;

/** A comma-separated list of N from the environment, or undefined. */
function listFromEnv(name) {
  const text = process.env[name];
  if (!text) return undefined;
  const list = text.split(',').map(Number);
  if (!list.every((n) => Number.isInteger(n) && n > 0))
    throw new Error(`${name} must list positive integers`);
  return list;
}

function settings(quick) {
  const base = quick
    ? {
        sipkitN: [500],
        peerN: [200],
        embeddedWsN: [200],
        // Too short for the UDP transactions to drain (Timer K 5 s): quick heap figures are rough.
        drainUdpMs: 1000,
        drainWsMs: 500,
        breakdownN: 200,
        warmup: 50,
        refreshSeconds: () => 5,
      }
    : {
        sipkitN: [1000, 5000, 10_000],
        // The issue asks for 1k, 5k and 10k for the peers too. At 10k one WebSocket per UA stops
        // at about 6,200 registered for sipkit and JsSIP alike: Kamailio runs out of open files
        // (hard limit 20,000 here, and its TCP processes each hold a connection's descriptor).
        peerN: [1000, 5000],
        // ... so 10k goes to the embedded registrar over WebSocket, which holds one descriptor per
        // connection in a process of its own.
        embeddedWsN: [10_000],
        // Timer K (T4 = 5 s) plus a margin: the registration burst's UDP transactions are gone.
        drainUdpMs: 5500,
        drainWsMs: 500,
        breakdownN: 5000,
        // Registered and stopped before the baseline (every library): JIT code is not per UA.
        warmup: 500,
        // Long enough that the last REGISTER of the burst and its Timer K end before the first refresh,
        // so the idle heap sample sees no transaction in flight (10k at ~15-30 s to register).
        refreshSeconds: (n) => Math.round(12 + 0.003 * n),
      };
  // Other population sizes for a manual run, e.g. SIPKIT_SCALE_PEER_N=1000,5000.
  return {
    ...base,
    sipkitN: listFromEnv('SIPKIT_SCALE_N') ?? base.sipkitN,
    peerN: listFromEnv('SIPKIT_SCALE_PEER_N') ?? base.peerN,
    embeddedWsN: listFromEnv('SIPKIT_SCALE_EMBEDDED_WS_N') ?? base.embeddedWsN,
  };
}

/** Expiries at which each library refreshes every `r` seconds, by its own refresh rule. */
function expiries(r) {
  return {
    // sipkit profile: refresh at max(E/2, E - 40) minus up to 5 % jitter.
    sipkit: 2 * r,
    // JsSIP 3.13: refresh at E - 5 s for E <= 64.
    jssip: r + 5,
    // SIP.js 0.21: refresh at refreshFrequency % of E.
    sipjs: 2 * r,
    sipjsRefreshFrequency: 50,
  };
}

const LIBRARY = { sipkit: 'sipkit', jssip: 'JsSIP 3.13', sipjs: 'SIP.js 0.21' };

/** Starts the registrar a population needs, runs it, stops the registrar whatever happens. */
async function measure(spec, s) {
  const r = s.refreshSeconds(spec.n);
  const e = expiries(r);
  const registrar =
    spec.registrar === 'kamailio'
      ? await startKamailio()
      : await startDevRegistrar({
          n: spec.n,
          prefix: 'u',
          domain: DOMAIN,
          minExpires: 5,
          ...(spec.transport === 'ws' ? { ws: true, algorithms: ['MD5'] } : {}),
        });
  try {
    const drainMs = spec.transport === 'udp' ? s.drainUdpMs : s.drainWsMs;
    const job = {
      ...spec,
      udpPort: registrar.udpPort,
      wsUrl: registrar.wsPort ? `ws://127.0.0.1:${registrar.wsPort}` : undefined,
      domain: DOMAIN,
      prefix: 'u',
      window: WINDOW,
      expires: e.sipkit,
      peerExpires: e,
      refreshSeconds: r,
      drainMs,
      // Every UA refreshes once within the hold: the last one registered refreshes R s after it.
      holdMs: spec.breakdown ? drainMs : Math.max(drainMs, r * 1000 + 500),
      deadlineMs: 60_000 + spec.n * 10,
      warmup: s.warmup,
    };
    const cpu = [registrar.cpuSeconds()];
    let contacts;
    const result = await runPopulation(job, (phase) => {
      cpu.push(registrar.cpuSeconds());
      if (phase === 'registered' && registrar.stats)
        contacts = registrar.stats('usrloc:')['usrloc:location_contacts'];
    });
    result.refreshSeconds = r;
    result.expires = spec.library === 'sipkit' ? e.sipkit : e[spec.library];
    result.registrarCpuPercent = {
      register: (100 * (cpu[1] - cpu[0])) / (result.registerMs / 1000),
      hold: (100 * (cpu[2] - cpu[1])) / (result.hold.ms / 1000),
    };
    if (contacts !== undefined) result.registrarContacts = contacts;
    return result;
  } finally {
    await registrar.stop();
  }
}

/** The populations of this run, in order. */
function plan(s, kamailio) {
  const modes = Object.keys(clientModes);
  const out = [];
  // One socket per UA is shown at the smallest N only, for comparison: the shared stack is how a
  // population is meant to run, and the time budget goes to its larger N.
  for (const registrar of kamailio ? ['embedded', 'kamailio'] : ['embedded'])
    for (const n of s.sipkitN)
      for (const mode of modes)
        if (mode !== 'perSocket' || n === s.sipkitN[0])
          out.push({ library: 'sipkit', mode, transport: 'udp', registrar, n });
  const peers = (registrar, n) => {
    for (const mode of modes) out.push({ library: 'sipkit', mode, transport: 'ws', registrar, n });
    out.push({ library: 'jssip', mode: 'perSocket', transport: 'ws', registrar, n });
    out.push({ library: 'sipjs', mode: 'perSocket', transport: 'ws', registrar, n });
  };
  if (kamailio) for (const n of s.peerN) peers('kamailio', n);
  for (const n of s.embeddedWsN) peers('embedded', n);
  return out;
}

const kb = (bytes) => fmt(bytes / 1024, 1);
const pct = (v) => `${fmt(v)}%`;
const sec = (ms) => fmt(ms / 1000, 1);
const label = (r) => `${LIBRARY[r.library]} ${r.transport.toUpperCase()}`;
const modeOf = (r) => (r.library === 'sipkit' ? r.mode : 'own WS');

function printResults(results, s) {
  const ok = results.filter((r) => !r.error);
  console.log('\nRegistration (time to all registered) and heap per UA:');
  printTable(
    [
      'library',
      'mode',
      'registrar',
      'N',
      'registered',
      'time s',
      'reg/s',
      'p50 ms',
      'p99 ms',
      'REGISTERs',
      'UA CPU',
      'registrar CPU',
      'heap/UA KB',
      'end heap/UA KB',
      'RSS/UA KB',
    ],
    ok.map((r) => [
      label(r),
      modeOf(r),
      r.registrar,
      fmt(r.n),
      `${fmt(r.registered)}${r.registrarContacts !== undefined ? ` (${fmt(r.registrarContacts)})` : ''}`,
      sec(r.registerMs),
      fmt(r.registerPerSecond),
      fmt(r.registerLatencyMs.p50),
      fmt(r.registerLatencyMs.p99),
      fmt(r.registerTraffic.registerOut),
      pct(r.registerCpuPercent),
      pct(r.registrarCpuPercent.register),
      `${kb(r.perAgent.idle.heapUsed)}${r.idleSample.registersSinceRegistered > 0 ? '*' : ''}`,
      kb(r.perAgent.end.heapUsed),
      kb(r.perAgent.idle.rss),
    ]),
  );
  console.log(
    'registered: UAs registered when the last one settled (in parentheses: contacts in Kamailio then); ' +
      'REGISTERs: sent until then, incl. the challenged first attempt and retransmissions; ' +
      `heap/UA: after a forced GC once all are registered and idle (UDP: ${sec(s.drainUdpMs)} s later, ` +
      `${s.drainUdpMs > 5000 ? 'after' : 'before'} Timer K); end: at the end of the hold; ` +
      '* = refreshes had already started at the idle sample.',
  );
  console.log('\nRefresh load held (every UA refreshes once during the hold):');
  printTable(
    [
      'library',
      'mode',
      'registrar',
      'N',
      'R s',
      'expires',
      'hold s',
      'REGISTER/s',
      '2xx/s',
      '401/s',
      'failures',
      'lost',
      'registered at end',
      'UA CPU',
      'registrar CPU',
      'loop p99 ms',
    ],
    ok.map((r) => [
      label(r),
      modeOf(r),
      r.registrar,
      fmt(r.n),
      fmt(r.refreshSeconds),
      fmt(r.expires),
      sec(r.hold.ms),
      fmt(r.hold.registersPerSecond),
      fmt(r.hold.okPerSecond),
      fmt(r.hold.traffic.challenge / (r.hold.ms / 1000)),
      fmt(r.hold.traffic.failure),
      fmt(r.hold.lost),
      fmt(r.hold.registeredAtEnd),
      pct(r.hold.cpuPercent),
      pct(r.registrarCpuPercent.hold),
      fmt(r.hold.loopDelayMs.p99),
    ]),
  );
  console.log(
    'R: refresh interval; expires: what the library asks for to refresh every R s. failures: non-2xx ' +
      'final responses other than 401/407; lost: UAs that left the registered state during the hold.',
  );
  for (const r of results.filter((x) => x.error))
    console.log(`FAILED ${LIBRARY[r.library]} ${r.transport} ${r.registrar} N=${r.n}: ${r.error}`);
}

/**
 * Ratio rows for the WebSocket populations at each registrar and N: JsSIP / sipkit and
 * SIP.js / sipkit, each pair measured against the same registrar.
 */
function compare(results) {
  const out = [];
  const ws = results.filter((r) => !r.error && r.transport === 'ws');
  const find = (library, registrar, n) =>
    ws.find((r) => r.library === library && r.registrar === registrar && r.n === n);
  const groups = [...new Set(ws.map((r) => `${r.registrar} ${r.n}`))].map((k) => {
    const [registrar, n] = k.split(' ');
    return { registrar, n: Number(n) };
  });
  const figures = [
    ['time to all registered (s)', (r) => r.registerMs / 1000, 1],
    ['heap/UA idle (KB)', (r) => r.perAgent.idle.heapUsed / 1024, 1],
    ['RSS/UA idle (KB)', (r) => r.perAgent.idle.rss / 1024, 1],
    ['UA CPU s per 1k registrations', (r) => (r.registerCpuPercent * r.registerMs) / 1e5 / (r.n / 1000), 2],
    ['REGISTER/s in the hold', (r) => r.hold.registersPerSecond, 0],
  ];
  for (const mode of Object.keys(clientModes)) {
    for (const { registrar, n } of groups) {
      const own = ws.find(
        (r) => r.library === 'sipkit' && r.mode === mode && r.registrar === registrar && r.n === n,
      );
      const jssip = find('jssip', registrar, n);
      const sipjs = find('sipjs', registrar, n);
      if (!own) continue;
      for (const [label, get, digits] of figures) {
        const ratio = (peer) => (peer ? `${fmt(get(peer) / get(own), 2)}x` : 'N/A');
        out.push({
          row: [
            `${label}, N=${fmt(n)}`,
            mode,
            registrar,
            fmt(get(own), digits),
            jssip ? fmt(get(jssip), digits) : 'N/A',
            sipjs ? fmt(get(sipjs), digits) : 'N/A',
            ratio(jssip),
            ratio(sipjs),
          ],
          figure: label,
          n,
          mode,
          registrar,
          sipkit: get(own),
          jssip: jssip ? get(jssip) : undefined,
          sipjs: sipjs ? get(sipjs) : undefined,
        });
      }
    }
  }
  return out;
}

/** Runs every population, prints the tables, returns the result for results/registration-scale.json. */
export async function run({ quick = false } = {}) {
  const s = settings(quick);
  const kamailio = ensureKamailio();
  if (kamailio.skip)
    console.log(`Kamailio rows (and the JsSIP / SIP.js rows against it) SKIPPED: ${kamailio.skip}`);
  const specs = plan(s, !kamailio.skip);
  const results = [];
  for (const spec of specs) {
    const t0 = performance.now();
    try {
      results.push(await measure(spec, s));
    } catch (e) {
      results.push({ ...spec, error: e.message.split('\n')[0] });
    }
    const last = results.at(-1);
    console.log(
      `  ${label(spec)} ${modeOf(spec)} -> ${spec.registrar}, N=${fmt(spec.n)}: ` +
        (last.error
          ? `FAILED (${last.error})`
          : `${fmt(last.registered)} registered in ${sec(last.registerMs)} s, heap/UA ${kb(last.perAgent.idle.heapUsed)} KB`) +
        ` (${sec(performance.now() - t0)} s)`,
    );
  }
  // A heap snapshot breakdown of one sipkit population (its own run, so snapshots do not disturb the figures).
  let breakdown;
  try {
    const b = await measure(
      {
        library: 'sipkit',
        mode: 'sharedStack',
        transport: 'udp',
        registrar: 'embedded',
        n: s.breakdownN,
        breakdown: true,
      },
      s,
    );
    breakdown = { n: b.n, ...b.breakdown };
  } catch (e) {
    breakdown = { error: e.message.split('\n')[0] };
  }

  console.log(
    `\n${WINDOW} REGISTERs in flight at most; realm ${DOMAIN}; Kamailio ${kamailio.version ?? 'skipped'}; ` +
      `refresh interval R = ${quick ? '5 s' : '12 s + 3 ms x N'}; open files (soft limit) ${results.find((r) => r.openFiles)?.openFiles?.soft ?? '?'}`,
  );
  printResults(results, s);

  const ratios = compare(results);
  if (ratios.length > 0) {
    console.log('\nsipkit vs JsSIP and SIP.js over WebSocket to the same registrar (same run):');
    printTable(
      ['figure', 'mode', 'registrar', 'sipkit', 'JsSIP', 'SIP.js', 'JsSIP / sipkit', 'SIP.js / sipkit'],
      ratios.map((r) => r.row),
    );
    console.log(
      'ratio > 1x: the peer takes longer / holds more than sipkit (or, for REGISTER/s, sends more).',
    );
  }

  if (breakdown.error) console.log(`\nheap breakdown FAILED: ${breakdown.error}`);
  else {
    console.log(
      `\nWhere one idle registered sipkit UA's heap goes (sharedStack, UDP, N=${fmt(breakdown.n)}, heap snapshots; ` +
        `total ${fmt(breakdown.totalBytesPerAgent)} B/UA):`,
    );
    printTable(
      ['kind', 'bytes/UA', 'objects/UA'],
      breakdown.top.map((k) => [k.kind, fmt(k.bytes), fmt(k.count, 1)]),
    );
    console.log(
      `objects per UA: ${breakdown.objects.map((k) => `${fmt(k.count, 1)} ${k.kind} (${fmt(k.bytes)} B)`).join(', ')}`,
    );
    console.log(
      '(array): V8 backing stores of properties, elements and Map/Set tables; (Context): scopes captured by ' +
        'closures; (code): compiled functions, a one-off cost spread over N.',
    );
  }

  // Target: 10k registered in one process at < 2 KB heap per idle UA, judged on the shared
  // stack (the per-socket mode runs at the smallest N only).
  const targets = [];
  for (const mode of ['sharedStack']) {
    for (const registrar of ['embedded', 'kamailio']) {
      const rows = results.filter(
        (r) =>
          !r.error &&
          r.library === 'sipkit' &&
          r.mode === mode &&
          r.transport === 'udp' &&
          r.registrar === registrar,
      );
      const biggest = rows.sort((a, b) => b.n - a.n)[0];
      if (!biggest) continue;
      const allRegistered = biggest.n >= TARGET_N && biggest.registered === biggest.n;
      const heapOk = biggest.perAgent.idle.heapUsed < TARGET_HEAP_BYTES;
      targets.push({
        mode,
        registrar,
        n: biggest.n,
        allRegistered,
        heapOk,
        heap: biggest.perAgent.idle.heapUsed,
      });
    }
  }
  const mark = (ok) => (ok ? 'met' : 'MISSED');
  for (const t of targets) {
    const count =
      t.n >= TARGET_N
        ? `${fmt(TARGET_N)} registered: ${mark(t.allRegistered)}`
        : `N=${fmt(t.n)} only (quick)`;
    console.log(
      `target sipkit ${t.mode} -> ${t.registrar}: ${count}; heap/UA ${fmt(t.heap)} B < ${fmt(TARGET_HEAP_BYTES)} B: ${mark(t.heapOk)}`,
    );
  }
  const failed = results.filter((r) => r.error).length;
  return {
    settings: {
      window: WINDOW,
      sipkitN: s.sipkitN,
      peerN: s.peerN,
      embeddedWsN: s.embeddedWsN,
      drainUdpMs: s.drainUdpMs,
      modes: Object.keys(clientModes),
    },
    kamailio: kamailio.version ?? kamailio.skip,
    results,
    ratios: ratios.map(({ row, ...r }) => r),
    breakdown,
    targets,
    allTargetsMet:
      failed === 0 && targets.length > 0 && targets.every((t) => t.heapOk && (quick || t.allRegistered)),
  };
}
