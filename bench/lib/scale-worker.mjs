/**
 * One measured population of the registration-scale benchmark, in a child process of its own
 * (`node --expose-gc`), so the heap figures hold nothing but the library and its user agents.
 *
 * In the child: load the library, register and stop `job.warmup` user agents (JIT warm-up, see
 * `warmUp`), force a GC and read the heap (the baseline); start user agents
 * `job.window` at a time (a new one as soon as one is registered or has failed) until all N are
 * registered or `job.deadlineMs` passes; that is "time to all registered". Then hold the
 * population for `job.holdMs` while the libraries refresh on their own: REGISTERs and responses
 * are counted, and so are registrations lost. `job.drainMs` into the hold (long enough for the
 * UDP transactions of the registration burst to end, Timer K = 5 s) the heap is read again after
 * a forced GC: heap per registered idle UA = (that - baseline) / N. With `job.breakdown` a heap
 * snapshot is taken at both points and summed by kind of object (lib/scale-heap.mjs).
 *
 * In the parent: `runPopulation(job, onPhase)` spawns the child (with the open-files soft limit
 * raised to the hard limit, since every user agent has its own socket), relays its phases and
 * resolves with its result; the child is killed on timeout and never outlives the parent.
 */

import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { spawnNodeWithFileLimit } from './owned-child.mjs';
import { heapByKind, perAgent } from './scale-heap.mjs';
import { createTraffic, trafficDelta } from './scale-traffic.mjs';

const SELF = fileURLToPath(import.meta.url);

/** The soft and hard open-files limits of this process (Linux /proc), or undefined. */
function openFilesLimit() {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const [soft, hard] = line.split(/\s{2,}/).slice(1, 3);
    return { soft: Number(soft) || soft, hard: Number(hard) || hard };
  } catch {
    return undefined;
  }
}

function memory() {
  globalThis.gc();
  globalThis.gc();
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, rss: m.rss, external: m.external, arrayBuffers: m.arrayBuffers };
}

async function prepare(job, events, traffic) {
  if (job.library === 'sipkit')
    return (await import('./scale-sipkit.mjs')).prepareSipkit(job, events, traffic);
  const peers = await import('./scale-peers.mjs');
  if (job.library === 'jssip') return peers.prepareJssip(job, events, traffic);
  if (job.library === 'sipjs') return peers.prepareSipjs(job, events, traffic);
  throw new Error(`unknown library ${job.library}`);
}

function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const cpuSeconds = (since) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
};

/**
 * Registers `job.warmup` user agents (accounts 0, 1, ...) and stops them again before the
 * baseline, in a population of their own with its own traffic counter, so the code the JIT
 * compiles on the way (a one-off MiB or two) is not charged to the measured N. Every library
 * gets the same warm-up.
 */
async function warmUp(job) {
  const n = Math.min(job.warmup ?? 0, job.n);
  if (n === 0) return;
  const seen = new Uint8Array(n);
  let done = 0;
  let started = 0;
  let pump;
  const finished = new Promise((resolve) => {
    pump = () => {
      if (done === n) resolve();
      // `job.window` registrations in flight at most, as in the measured run.
      while (started < n && started - done < job.window) {
        const i = started++;
        population.start(i).catch(() => settled(i));
      }
    };
  });
  const settled = (i) => {
    if (seen[i]) return;
    seen[i] = 1;
    done++;
    pump();
  };
  const population = await prepare({ ...job, n }, { registered: settled, lost: settled }, createTraffic());
  pump();
  await Promise.race([finished, sleep(job.deadlineMs)]);
  for (let i = 0; i < n; i += job.window)
    await Promise.all(population.agents.slice(i, i + job.window).map(async (a) => a?.stop()));
  await population.close();
  // JsSIP's stop() un-REGISTERs in the background; let it end before the baseline.
  await sleep(1000);
}

/** Runs the population described by `job` in this process; `phase(name)` tells the parent. */
async function populate(job, phase) {
  const traffic = createTraffic();
  const state = new Uint8Array(job.n); // 0 starting, 1 registered, 2 lost
  const startedAt = new Float64Array(job.n);
  const latencies = [];
  const lostReasons = {};
  let holding = false;
  let registered = 0;
  let initialFailures = 0;
  let lostDuringHold = 0;
  let recoveredDuringHold = 0;
  let settle = () => {};
  const events = {
    registered(i) {
      const before = state[i];
      if (before === 1) return;
      state[i] = 1;
      registered++;
      if (before === 0) {
        latencies.push(performance.now() - startedAt[i]);
        settle();
      } else if (holding) recoveredDuringHold++;
    },
    lost(i, why) {
      const before = state[i];
      if (before === 2) return;
      state[i] = 2;
      lostReasons[why] = (lostReasons[why] ?? 0) + 1;
      if (before === 1) {
        registered--;
        if (holding) lostDuringHold++;
      } else {
        initialFailures++;
        settle();
      }
    },
  };

  const files = openFilesLimit();
  if (typeof files?.soft === 'number' && files.soft < job.n + 100) {
    console.warn(
      `open-files limit ${files.soft} (hard ${files.hard}) is below N + 100: user agents with a socket ` +
        'each will fail to start past it (raise it with ulimit -n)',
    );
  }
  await warmUp(job);
  const population = await prepare(job, events, traffic);
  const kindsBefore = job.breakdown ? heapByKind() : undefined;
  const baseline = memory();
  const cpuStart = process.cpuUsage();
  const t0 = performance.now();
  let started = 0;
  await new Promise((resolve) => {
    let settled = 0;
    let inFlight = 0;
    const deadline = setTimeout(resolve, job.deadlineMs);
    const pump = () => {
      while (inFlight < job.window && started < job.n) {
        const i = started++;
        inFlight++;
        startedAt[i] = performance.now();
        population.start(i).catch((e) => events.lost(i, `start failed: ${e.message}`));
      }
    };
    settle = () => {
      inFlight--;
      settled++;
      if (settled === job.n) {
        clearTimeout(deadline);
        resolve();
      } else pump();
    };
    pump();
  });
  const registerMs = performance.now() - t0;
  const registerCpu = cpuSeconds(cpuStart);
  const atRegistered = traffic.snapshot();
  const registeredAtEnd = registered;
  latencies.sort((a, b) => a - b);
  phase('registered', { registered });

  // Hold: the libraries refresh on their own; count what goes over the wire.
  holding = true;
  const holdStart = performance.now();
  const holdCpuStart = process.cpuUsage();
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  await sleep(job.drainMs);
  const idle = memory();
  const atIdle = traffic.snapshot();
  const breakdown = job.breakdown ? perAgent(kindsBefore, heapByKind(), job.n) : undefined;
  const rest = job.holdMs - (performance.now() - holdStart);
  if (rest > 0) await sleep(rest);
  loop.disable();
  const holdMs = performance.now() - holdStart;
  const holdCpu = cpuSeconds(holdCpuStart);
  const hold = trafficDelta(atRegistered, traffic.snapshot());
  phase('held');
  const end = memory();

  const perAgentBytes = (m) => ({
    heapUsed: (m.heapUsed - baseline.heapUsed) / job.n,
    rss: (m.rss - baseline.rss) / job.n,
    external: (m.external - baseline.external) / job.n,
  });
  return {
    library: job.library,
    mode: job.mode,
    transport: job.transport,
    registrar: job.registrar,
    n: job.n,
    window: job.window,
    openFiles: files,
    started,
    registered: registeredAtEnd,
    initialFailures,
    registerMs,
    registerPerSecond: registeredAtEnd / (registerMs / 1000),
    registerLatencyMs: {
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: latencies.at(-1),
    },
    registerCpuPercent: (100 * registerCpu) / (registerMs / 1000),
    registerTraffic: atRegistered,
    hold: {
      ms: holdMs,
      traffic: hold,
      registersPerSecond: hold.registerOut / (holdMs / 1000),
      okPerSecond: hold.ok / (holdMs / 1000),
      lost: lostDuringHold,
      recovered: recoveredDuringHold,
      registeredAtEnd: registered,
      cpuPercent: (100 * holdCpu) / (holdMs / 1000),
      loopDelayMs: { p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 },
    },
    lostReasons,
    memory: { baseline, idle, end },
    idleSample: {
      atMs: job.drainMs,
      // REGISTERs sent between "all registered" and the idle sample: transactions maybe still live.
      registersSinceRegistered: atIdle.registerOut - atRegistered.registerOut,
    },
    perAgent: { idle: perAgentBytes(idle), end: perAgentBytes(end) },
    breakdown,
  };
}

/**
 * Parent side: runs `job` in a fresh `node --expose-gc` child and resolves with its result.
 * `onPhase(name, data)` is called when the child reports `registered` and `held`.
 */
export function runPopulation(job, onPhase = () => {}) {
  const child = spawnNodeWithFileLimit([
    '--expose-gc',
    '--max-old-space-size=8192',
    SELF,
    '--job',
    JSON.stringify(job),
  ]);
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  const limitMs = job.deadlineMs + job.holdMs + 120_000;
  return new Promise((resolve, reject) => {
    let result;
    let failure;
    const timer = setTimeout(() => {
      failure = new Error(`population ${job.library} N=${job.n} did not finish within ${limitMs} ms`);
      kill();
    }, limitMs);
    child.on('message', (m) => {
      if (m.type === 'phase') onPhase(m.name, m.data);
      else if (m.type === 'result') result = m.result;
      else if (m.type === 'error') failure = new Error(m.message);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      process.off('exit', kill);
      if (result) resolve(result);
      else reject(failure ?? new Error(`population worker exited (${code ?? signal}) without a result`));
    });
  });
}

if (process.argv[2] === '--job') {
  const job = JSON.parse(process.argv[3]);
  process.once('disconnect', () => process.exit(1));
  populate(job, (name, data) => process.send({ type: 'phase', name, data })).then(
    (result) => process.send({ type: 'result', result }, () => process.exit(0)),
    (e) => process.send({ type: 'error', message: e.stack ?? String(e) }, () => process.exit(1)),
  );
}
