// A registrar that answers at random, often with malformed headers: whatever it sends, every
// profile must keep a valid state, never throw out of a timer or an event handler, never loop
// on the spot (checked as REGISTERs per second of virtual time while the registerer runs on its
// own timers), and stop cleanly. Seeded, on the virtual clock, bounded by step counts.
import type { SipRequest, SipResponse } from '@sipkit/parser';
import type { ProfileName } from '@sipkit/registerer';
import { randomUnit, seededRandom } from '@sipkit/transport';
import { describe, expect, it } from 'vitest';
import { echoContact, flush, reply, settle, setup } from './helpers.js';

const STATUSES = [
  200, 200, 200, 202, 401, 401, 407, 423, 439, 403, 404, 408, 480, 494, 500, 503, 603, 302, 488,
];
const NUMBERS = ['0', '1', '30', '600', '3600', '4294967295', '4294967296', '-1', 'abc', '', '1.5', ' 60 '];
/** Contact parameters a registrar may get wrong; `expires=abc` and `expires=0` once made some profiles loop at t=0. */
const CONTACT_TAILS = ['', '', ';expires=abc', ';expires=0', ';expires=', ';expires=-1'];
const JUNK = [
  '',
  ';',
  '<',
  '<sip:',
  '"',
  ',,',
  'sip:@',
  '<sip:x@y>;expires',
  '\u00e9\u00e9',
  'a'.repeat(300),
];

const PROFILES: ProfileName[] = ['asterisk', 'jssip', 'sipjs', 'sipjs-legacy', 'sipkit'];
const VALID_STATES = new Set([
  'unregistered',
  'registering',
  'registered',
  'retry-wait',
  'rejected',
  'unregistering',
]);
const STEPS = 30;
/** Requests one step may send at most: the auth, 423, 439 and 494 resends are all bounded. */
const MAX_SENDS_PER_STEP = 12;
/** Timer steps of the phase where the registerer runs alone. */
const ALONE_STEPS = 40;

function pick<T>(rnd: () => number, list: readonly T[]): T {
  return list[Math.floor(rnd() * list.length)]!;
}

/** Our Contact as a registrar might list it: a random expires, or none, or a bad one, maybe with junk. */
function ourContact(rnd: () => number, req: SipRequest): string {
  if (req.contact.length === 0 || req.contact[0] === '*') return pick(rnd, JUNK);
  const tail = rnd() < 0.3 ? pick(rnd, CONTACT_TAILS) : '';
  const expires = tail === '' && rnd() < 0.8 ? Math.floor(rnd() * 4000) : undefined;
  return echoContact(req, expires, rnd() < 0.2 ? pick(rnd, JUNK) : '') + tail;
}

/** One response to `req`: a random status and random, often malformed, header values. */
function hostileResponse(rnd: () => number, req: SipRequest): SipResponse {
  const status = pick(rnd, STATUSES);
  const headers: [string, string][] = [];
  const maybe = (p: number, name: string, value: () => string) => {
    if (rnd() < p) headers.push([name, value()]);
  };
  maybe(0.6, 'Contact', () => (rnd() < 0.6 ? ourContact(rnd, req) : pick(rnd, JUNK)));
  maybe(0.3, 'Expires', () => pick(rnd, NUMBERS));
  maybe(0.3, 'Min-Expires', () => pick(rnd, NUMBERS));
  maybe(0.2, 'Retry-After', () => pick(rnd, NUMBERS));
  maybe(0.3, 'WWW-Authenticate', () =>
    rnd() < 0.5 ? `Digest realm="r", nonce="n${Math.floor(rnd() * 9)}", qop="auth"` : pick(rnd, JUNK),
  );
  maybe(0.15, 'Proxy-Authenticate', () => pick(rnd, JUNK));
  maybe(0.15, 'Service-Route', () => (rnd() < 0.5 ? '<sip:edge.example.com;lr>' : pick(rnd, JUNK)));
  maybe(0.1, 'Path', () => pick(rnd, JUNK));
  maybe(0.1, 'Flow-Timer', () => pick(rnd, NUMBERS));
  maybe(0.1, 'Security-Server', () => (rnd() < 0.5 ? 'sdes-srtp;mediasec' : pick(rnd, JUNK)));
  maybe(0.1, 'Require', () => pick(rnd, ['outbound', 'gruu', ...JUNK]));
  maybe(0.1, 'Supported', () => pick(rnd, JUNK));
  return reply(req, status, headers);
}

describe('a registrar that answers at random, with malformed headers', () => {
  for (const profile of PROFILES) {
    it(`${profile}: 60 seeded runs keep a valid state, never loop, and stop cleanly`, async () => {
      for (let seed = 1; seed <= 60; seed++) {
        const source = seededRandom(seed * 7919 + profile.length);
        const rnd = () => randomUnit(source);
        const { reg, sender, clock } = setup(profile, {}, rnd());
        sender.fallback = (req) => (rnd() < 0.08 ? 'throw' : hostileResponse(rnd, req));
        const calls: Promise<unknown>[] = [];
        const at = (step: number) => `${profile} seed ${seed} step ${step}`;
        for (let step = 0; step < STEPS; step++) {
          const before = sender.sent.length;
          const action = rnd();
          if (action < 0.35) calls.push(settle(reg.register()));
          else if (action < 0.45) calls.push(settle(reg.unregister({ all: rnd() < 0.3 })));
          else if (action < 0.5) reg.onTransportDisconnected();
          else if (action < 0.55) reg.onTransportConnected();
          else if (action < 0.6) reg.onFlowFailed();
          else if (!clock.next()) calls.push(settle(reg.register()));
          await flush();
          expect(VALID_STATES.has(reg.state), at(step)).toBe(true);
          expect(sender.sent.length - before, at(step)).toBeLessThanOrEqual(MAX_SENDS_PER_STEP);
        }
        // Left alone, it runs on its timers only: each timer step that sends starts at most one
        // REGISTER exchange, and those are at least a second apart (MIN_REGISTER_GAP_MS), so the
        // REGISTERs per virtual second stay bounded. A refresh or retry at 0 s repeated on the
        // spot breaks it.
        // A broken registrar is broken the same way every time: one fixed answer per seed.
        const fixed = pick(rnd, [...STATUSES, ...CONTACT_TAILS]);
        const tail = typeof fixed === 'string' ? fixed : undefined;
        sender.fallback = (req) =>
          tail !== undefined
            ? reply(req, 200, [['Contact', echoContact(req, undefined, tail)]])
            : reply(req, fixed as number, [['Contact', ourContact(rnd, req)]]);
        calls.push(settle(reg.register()));
        await flush();
        const t0 = clock.now();
        const sent0 = sender.sent.length;
        for (let i = 0; i < ALONE_STEPS && clock.next(); i++) await flush();
        const seconds = (clock.now() - t0) / 1000;
        expect(sender.sent.length - sent0, at(STEPS)).toBeLessThanOrEqual(MAX_SENDS_PER_STEP * (1 + seconds));
        // Whatever is in flight or armed, stop() ends it: stopped, nothing armed, no promise left.
        const stopped = reg.stop();
        for (let i = 0; i < 20 && clock.next(); i++) await flush();
        await stopped;
        await Promise.all(calls);
        expect(reg.state, at(STEPS)).toBe('stopped');
        expect(clock.pending, at(STEPS)).toBe(0);
      }
    });
  }
});
