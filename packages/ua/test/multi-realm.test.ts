import { fromJsSIP } from '@sipkit/config';
import { createResponse, parseAuth, type SipRequest, type SipResponse } from '@sipkit/parser';
import type { StateChange } from '@sipkit/registerer';
import { VirtualClock } from '@sipkit/transport';
import { describe, expect, test } from 'vitest';
import { UserAgent } from '../src/index.js';
import { FakeRegistrar } from './fake-registrar.js';
import { run, seeded, stopWhileRunning } from './virtual-time.js';

// Several digest realms for one user agent: an outbound proxy's 407 and the registrar's 401, or
// one 401 naming two realms. RFC 3261 section 22.3 answers each realm; RFC 7616 counts nc per nonce.

const jssip = { uri: 'sip:alice@example.test', password: 'secret', sockets: ['wss://edge.example.test'] };

/** Every `nonce/nc` a request carried in either header, and whether one was sent before. */
class ReplayWatch {
  readonly #seen = new Set<string>();
  replays = 0;
  /** The nc values of `header` per request, for the realm given. */
  readonly counts: string[] = [];
  constructor(readonly realm: string) {}
  observe(req: SipRequest): void {
    for (const name of ['Authorization', 'Proxy-Authorization']) {
      for (const raw of req.headers.getAll(name)) {
        const p = parseAuth(raw);
        const key = `${p.param('nonce')}/${p.param('nc')}`;
        if (this.#seen.has(key)) this.replays++;
        this.#seen.add(key);
        if (p.param('realm') === this.realm) this.counts.push(p.param('nc')!);
      }
    }
  }
}

function ok(req: SipRequest): SipResponse {
  const res = createResponse(req, 200, { toTag: 'reg' });
  for (const c of req.contact) if (c !== '*') res.headers.append('Contact', `<${c.uri}>;expires=60`);
  return res;
}

/** `source`: the jssip profile (what JsSIP itself does). */
async function startAgainst(registrar: FakeRegistrar, profile: 'sipkit' | 'source', ms: number) {
  const ua = new UserAgent(fromJsSIP(jssip, { profile }), {
    clock: registrar.clock,
    random: seeded(),
    transportFactory: registrar.factory,
  });
  const changes: StateChange[] = [];
  ua.on('registration', (c) => changes.push(c));
  await ua.start();
  await run(registrar.clock, ms, 200);
  return { ua, changes };
}

describe('a proxy 407, then the registrar 401 in another realm', () => {
  /** A proxy that wants Proxy-Authorization in its realm, in front of a registrar that wants Authorization in its own. */
  function proxyAndRegistrar(clock: VirtualClock, watch: ReplayWatch): FakeRegistrar {
    const registrar = new FakeRegistrar(clock);
    registrar.hostile = (req) => {
      watch.observe(req);
      if (!req.headers.get('Proxy-Authorization')) {
        const r = createResponse(req, 407, { toTag: 'p' });
        r.headers.append(
          'Proxy-Authenticate',
          'Digest realm="proxy.test", nonce="PN", qop="auth", algorithm=MD5',
        );
        return [r];
      }
      if (!req.headers.get('Authorization')) {
        const r = createResponse(req, 401, { toTag: 'r' });
        r.headers.append(
          'WWW-Authenticate',
          'Digest realm="example.test", nonce="RN", qop="auth", algorithm=MD5',
        );
        return [r];
      }
      return [ok(req)];
    };
    return registrar;
  }

  test('sipkit answers both realms, then refreshes with the next nonce count of each (no nc sent twice)', async () => {
    const clock = new VirtualClock();
    const watch = new ReplayWatch('proxy.test');
    const registrar = proxyAndRegistrar(clock, watch);
    const { ua, changes } = await startAgainst(registrar, 'sipkit', 200_000);
    expect(changes.map((c) => c.authError?.code).filter(Boolean)).toEqual([]);
    expect(ua.registerer?.state).toBe('registered');
    // 407, 401, then 200 to each refresh (preemptive, both realms).
    expect(registrar.received.length).toBeGreaterThan(5);
    expect(registrar.received.slice(2).every((r) => r.headers.get('Authorization') !== undefined)).toBe(true);
    // The request answering the 401 sends the proxy's nonce again with nc 2, not 1 once more.
    expect(watch.counts.slice(0, 4)).toEqual(['00000001', '00000002', '00000003', '00000004']);
    expect(watch.replays).toBe(0);
    await stopWhileRunning(ua, clock);
  });

  test('jssip gives up at the second challenge, as JsSIP does (one answer per request, plus one on stale)', async () => {
    const clock = new VirtualClock();
    const registrar = proxyAndRegistrar(clock, new ReplayWatch('proxy.test'));
    const { ua, changes } = await startAgainst(registrar, 'source', 5_000);
    expect(registrar.received).toHaveLength(2);
    expect(ua.registerer?.state).toBe('rejected');
    expect(changes.at(-1)?.authError?.code).toBe('rejected-credentials');
    await stopWhileRunning(ua, clock);
  });

  test('sipkit stops when the proxy challenges its answered realm again: credentials just refused', async () => {
    const clock = new VirtualClock();
    const registrar = new FakeRegistrar(clock);
    registrar.hostile = (req) => {
      const r = createResponse(req, 407, { toTag: 'p' });
      r.headers.append(
        'Proxy-Authenticate',
        'Digest realm="proxy.test", nonce="PN", qop="auth", algorithm=MD5',
      );
      return [r];
    };
    const { ua, changes } = await startAgainst(registrar, 'sipkit', 5_000);
    expect(registrar.received).toHaveLength(2);
    expect(ua.registerer?.state).toBe('rejected');
    expect(changes.at(-1)?.authError?.code).toBe('rejected-credentials');
    await stopWhileRunning(ua, clock);
  });

  test('sipkit answers at most four realms for one request', async () => {
    const clock = new VirtualClock();
    const registrar = new FakeRegistrar(clock);
    let realm = 0;
    registrar.hostile = (req) => {
      const r = createResponse(req, 401, { toTag: 'r' });
      realm++;
      r.headers.append('WWW-Authenticate', `Digest realm="r${realm}", nonce="N${realm}", qop="auth"`);
      return [r];
    };
    const { ua, changes } = await startAgainst(registrar, 'sipkit', 5_000);
    // The first request and four answers, each to a realm never answered before.
    expect(registrar.received).toHaveLength(5);
    expect(changes.at(-1)?.authError?.code).toBe('rejected-credentials');
    await stopWhileRunning(ua, clock);
  });
});

test('one 401 with two realms: every preemptive refresh counts on in both (sipkit)', async () => {
  const clock = new VirtualClock();
  const watch = new ReplayWatch('a.test');
  const registrar = new FakeRegistrar(clock);
  registrar.hostile = (req) => {
    watch.observe(req);
    if (req.headers.getAll('Authorization').length < 2) {
      const r = createResponse(req, 401, { toTag: 'r' });
      r.headers.append('WWW-Authenticate', 'Digest realm="a.test", nonce="NA", qop="auth", algorithm=MD5');
      r.headers.append('WWW-Authenticate', 'Digest realm="b.test", nonce="NB", qop="auth", algorithm=MD5');
      return [r];
    }
    return [ok(req)];
  };
  const { ua } = await startAgainst(registrar, 'sipkit', 200_000);
  expect(ua.registerer?.state).toBe('registered');
  // Each realm's nonce evicted the other's count before: every refresh sent nc=00000001 again.
  expect(watch.counts.slice(0, 4)).toEqual(['00000001', '00000002', '00000003', '00000004']);
  expect(watch.replays).toBe(0);
  await stopWhileRunning(ua, clock);
});
