// The whole client (real transaction layer, real digest client, each profile's registerer) facing
// a registrar that answers at random: malformed or odd challenges, garbage header values,
// provisionals, duplicate finals, no answer at all. Whatever it sends, nothing may throw out of
// the stack, the user agent may not loop on the spot (measured as requests per second of
// virtual time, with the clock moved in steps small enough to see a loop), and stop() must end
// it with nothing left armed. Seeded and on the virtual clock; every loop has a fixed bound.
import { fromJsSIP, fromPjsip, fromSipJs, fromSipJsLegacy, type UserAgentConfig } from '@sipkit/config';
import { createResponse, type SipMessage, type SipRequest } from '@sipkit/parser';
import { randomUnit, seededRandom, VirtualClock } from '@sipkit/transport';
import { describe, expect, it } from 'vitest';
import { UserAgent } from '../src/index.js';
import { FakeRegistrar } from './fake-registrar.js';

const AOR = 'sip:alice@example.test';
const WS = 'wss://edge.example.test';

const CONFIGS: Record<string, () => UserAgentConfig> = {
  sipkit: () => fromJsSIP({ uri: AOR, password: 'secret', sockets: [WS] }, { profile: 'sipkit' }),
  jssip: () => fromJsSIP({ uri: AOR, password: 'secret', sockets: [WS] }),
  'sipjs-legacy': () => fromSipJsLegacy({ uri: AOR, password: 'secret', wsServers: WS }),
  sipjs: () =>
    fromSipJs({
      uri: AOR,
      authorizationUsername: 'alice',
      authorizationPassword: 'secret',
      transportOptions: { server: WS },
    }),
  asterisk: () =>
    fromPjsip(
      [
        '[t]',
        'type=transport',
        'protocol=wss',
        '[a]',
        'type=auth',
        'username=alice',
        'password=secret',
        '[r]',
        'type=registration',
        'transport=t',
        'outbound_auth=a',
        'server_uri=sip:edge.example.test;transport=ws',
        `client_uri=${AOR}`,
        'retry_interval=5',
        'max_random_initial_delay=0',
      ].join('\n'),
      { registration: 'r' },
    ),
};

const pick = <T>(rnd: () => number, list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;

const ALGORITHMS = ['MD5', 'MD5-sess', 'SHA-256', 'SHA-256-sess', 'SHA-512-256', 'sha-256', 'SHA-1', 'x', ''];
const QOPS = ['auth', 'auth-int', 'auth,auth-int', 'auth-int,auth', 'token', '', ','];
const JUNK = ['', ';', '<', '"', ',,', 'sip:@', 'Digest', 'Digest ,', 'Basic realm="r"', 'a'.repeat(200)];
const NUMBERS = ['0', '1', '600', '4294967296', '-1', 'x', ''];

/** A digest challenge with random, sometimes missing or contradictory, parameters. */
function challenge(rnd: () => number): string {
  if (rnd() < 0.15) return pick(rnd, JUNK);
  const parts: string[] = [];
  if (rnd() < 0.9) parts.push(`realm="${rnd() < 0.8 ? 'example.test' : 'other'}"`);
  if (rnd() < 0.9) parts.push(`nonce="${Math.floor(rnd() * 5)}"`);
  if (rnd() < 0.7) parts.push(`algorithm=${pick(rnd, ALGORITHMS)}`);
  if (rnd() < 0.7) parts.push(`qop="${pick(rnd, QOPS)}"`);
  if (rnd() < 0.2) parts.push('stale=true');
  if (rnd() < 0.2) parts.push('userhash=true');
  if (rnd() < 0.2) parts.push('charset=UTF-8');
  if (rnd() < 0.2) parts.push('opaque="o"');
  return `Digest ${parts.join(', ')}`;
}

/** What the registrar sends back for one request: nothing, a provisional, one or two finals. */
function hostile(rnd: () => number, req: SipRequest): SipMessage[] {
  const roll = rnd();
  if (roll < 0.05) return [];
  const final = () => {
    const status = pick(rnd, [200, 200, 401, 401, 407, 423, 403, 404, 408, 494, 500, 503, 603, 488]);
    const res = createResponse(req, status, { toTag: 'h' });
    const add = (p: number, name: string, value: () => string) => {
      if (rnd() < p) res.headers.append(name, value());
    };
    if (status === 401) add(0.95, 'WWW-Authenticate', () => challenge(rnd));
    if (status === 401) add(0.3, 'WWW-Authenticate', () => challenge(rnd));
    if (status === 407) add(0.95, 'Proxy-Authenticate', () => challenge(rnd));
    add(0.5, 'Contact', () => {
      const ours = req.contact[0];
      if (rnd() < 0.7 && ours !== undefined && ours !== '*')
        return `<${ours.uri}>;expires=${pick(rnd, NUMBERS)}`;
      return pick(rnd, JUNK);
    });
    add(0.2, 'Expires', () => pick(rnd, NUMBERS));
    add(0.2, 'Min-Expires', () => pick(rnd, NUMBERS));
    add(0.2, 'Retry-After', () => pick(rnd, NUMBERS));
    add(0.1, 'Service-Route', () => pick(rnd, JUNK));
    add(0.1, 'Flow-Timer', () => pick(rnd, NUMBERS));
    return res;
  };
  const out: SipMessage[] = [];
  if (roll < 0.2) out.push(createResponse(req, 100));
  out.push(final());
  if (roll > 0.9) out.push(final());
  return out;
}

describe('the user agent against a registrar that answers at random', () => {
  for (const [name, config] of Object.entries(CONFIGS)) {
    it(`${name}: 25 seeded runs never throw, never loop, and stop with nothing armed`, async () => {
      for (let seed = 1; seed <= 25; seed++) {
        const source = seededRandom(seed * 104_729 + name.length);
        const rnd = () => randomUnit(source);
        const clock = new VirtualClock();
        const registrar = new FakeRegistrar(clock);
        registrar.hostile = (req) => hostile(rnd, req);
        const ua = new UserAgent(config(), {
          clock,
          random: source,
          transportFactory: registrar.factory,
        });
        const at = `${name} seed ${seed}`;
        const calls: Promise<unknown>[] = [ua.start().catch(() => undefined)];
        for (let step = 0; step < 25; step++) {
          const before = registrar.received.length;
          const action = rnd();
          if (action < 0.2) calls.push(ua.register().catch(() => undefined));
          else if (action < 0.3) calls.push(ua.unregister({ all: rnd() < 0.3 }).catch(() => undefined));
          // Up to 40 virtual seconds: past Timer F, a refresh or a retry now and then.
          for (let i = 0; i < 40; i++) {
            clock.advance(Math.floor(rnd() * 1000));
            await new Promise<void>((r) => setImmediate(r));
          }
          expect(registrar.received.length - before, at).toBeLessThan(60);
        }
        // A registrar broken the same way on every request, watched in 10 ms steps: refreshes and
        // retries at 0 s (a 2xx with `;expires=abc` or `;expires=0`, a 494) must not repeat on
        // the spot. One REGISTER exchange a second at most, each with its bounded resends.
        const mode = pick(rnd, ['abc', '0', 494, 'random'] as const);
        registrar.hostile = (req) => {
          if (mode === 'random') return hostile(rnd, req);
          const res = createResponse(req, mode === 494 ? 494 : 200, { toTag: 'h' });
          const ours = req.contact[0];
          if (mode !== 494 && ours !== undefined && ours !== '*')
            res.headers.append('Contact', `<${ours.uri}>;expires=${mode}`);
          return [res];
        };
        calls.push(ua.register().catch(() => undefined));
        const before = registrar.received.length;
        const t0 = clock.now();
        for (let i = 0; i < 300; i++) {
          clock.advance(10);
          await new Promise<void>((r) => setImmediate(r));
        }
        const seconds = (clock.now() - t0) / 1000;
        expect(registrar.received.length - before, `${at} ${mode}`).toBeLessThanOrEqual(25 * (1 + seconds));
        const stopped = ua.stop();
        for (let i = 0; i < 100 && clock.pending > 0; i++) {
          clock.advance(1000);
          await new Promise<void>((r) => setImmediate(r));
        }
        await stopped;
        await Promise.all(calls);
        expect(ua.state, at).toBe('stopped');
        expect(clock.pending, at).toBe(0);
      }
    });
  }
});
