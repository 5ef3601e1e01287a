// Requests and stray responses from the network, at random and often odd (unknown methods,
// missing or contradictory headers, CSeq that does not match, Max-Forwards 0, retransmissions,
// responses to nothing): a registered user agent must answer every well-formed request once
// per transaction, never let an error escape, and stay registered and able to stop cleanly.
import { fromJsSIP } from '@sipkit/config';
import { parseMessage, SipParseError } from '@sipkit/parser';
import { randomUnit, seededRandom, VirtualClock } from '@sipkit/transport';
import { describe, expect, it } from 'vitest';
import { UserAgent } from '../src/index.js';
import { FakeRegistrar } from './fake-registrar.js';

const pick = <T>(rnd: () => number, list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;

const METHODS = [
  'OPTIONS',
  'NOTIFY',
  'MESSAGE',
  'INVITE',
  'BYE',
  'CANCEL',
  'ACK',
  'INFO',
  'SUBSCRIBE',
  'FOO',
];
const TARGETS = [
  'sip:alice@example.test',
  'sip:nobody@example.test',
  'sips:alice@example.test',
  'tel:+15551234',
];

interface Generated {
  text: string;
  branch: string;
  /** Every header a UAS needs to answer is present and consistent, and it is not an ACK. */
  answerable: boolean;
}

/** One request, correct or subtly broken; `answerable` says whether an answer is owed. */
function request(rnd: () => number, n: number): Generated {
  const method = pick(rnd, METHODS);
  const branch = `z9hG4bK-h${n}`;
  let answerable = method !== 'ACK';
  const lines = [`${method} ${pick(rnd, TARGETS)} SIP/2.0`];
  const header = (present: number, line: string, broken?: string) => {
    if (rnd() >= present) {
      answerable = false;
      return;
    }
    if (broken !== undefined && rnd() < 0.1) {
      answerable = false;
      lines.push(broken);
      return;
    }
    lines.push(line);
  };
  header(0.95, `Via: SIP/2.0/WSS h${n}.invalid;branch=${branch}`, 'Via: SIP/2.0/WSS h.invalid');
  header(0.95, 'Max-Forwards: 70', 'Max-Forwards: 0');
  header(0.95, `From: <sip:peer@example.test>;tag=f${n}`, 'From: <sip:peer@example.test>');
  header(0.95, 'To: <sip:alice@example.test>');
  header(0.95, `Call-ID: hostile-${n}`);
  const cseqMethod = rnd() < 0.1 ? 'OPTIONS' : method;
  if (cseqMethod !== method && method !== 'OPTIONS') answerable = false;
  header(0.95, `CSeq: ${1 + Math.floor(rnd() * 1000)} ${cseqMethod}`);
  if (rnd() < 0.2) lines.push(`Require: ${pick(rnd, ['foo', '100rel', 'timer'])}`);
  if (rnd() < 0.2) lines.push('Route: <sip:proxy.example.test;lr>');
  if (rnd() < 0.2) lines.push(`Event: ${pick(rnd, ['message-summary', 'x', ''])}`);
  if (rnd() < 0.3) lines.push('Content-Type: text/plain', 'Content-Length: 5', '', 'hello');
  else lines.push('Content-Length: 0', '', '');
  return { text: lines.join('\r\n'), branch, answerable };
}

/** A response that matches no transaction of ours. */
function strayResponse(rnd: () => number, n: number): string {
  return [
    `SIP/2.0 ${pick(rnd, [100, 180, 200, 401, 481, 500, 699])} Whatever`,
    `Via: SIP/2.0/WSS fake.invalid;branch=z9hG4bK-stray${n}`,
    `From: <sip:alice@example.test>;tag=${n}`,
    'To: <sip:alice@example.test>;tag=x',
    `Call-ID: stray-${n}`,
    `CSeq: ${n} ${pick(rnd, ['REGISTER', 'OPTIONS', 'INVITE'])}`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

describe('a registered user agent under random requests and stray responses', () => {
  it('answers each answerable request once, ignores the rest, and stays registered (10 seeds)', async () => {
    for (let seed = 1; seed <= 10; seed++) {
      const source = seededRandom(seed);
      const rnd = () => randomUnit(source);
      const clock = new VirtualClock();
      const registrar = new FakeRegistrar(clock);
      const ua = new UserAgent(
        fromJsSIP(
          { uri: 'sip:alice@example.test', password: 'secret', sockets: ['wss://edge.example.test'] },
          { profile: 'sipkit' },
        ),
        { clock, transportFactory: registrar.factory },
      );
      await ua.start();
      for (let i = 0; i < 50 && ua.registerer?.state !== 'registered'; i++) {
        clock.advance(10);
        await new Promise<void>((r) => setImmediate(r));
      }
      expect(ua.registerer?.state).toBe('registered');
      const owed: string[] = [];
      for (let n = 0; n < 60; n++) {
        const roll = rnd();
        const text = roll < 0.15 ? strayResponse(rnd, n) : request(rnd, n);
        const wire = typeof text === 'string' ? text : text.text;
        try {
          parseMessage(new TextEncoder().encode(wire));
        } catch (e) {
          // The parser refuses it; a transport drops what it cannot parse, so nothing reaches the UA.
          expect(e).toBeInstanceOf(SipParseError);
          continue;
        }
        registrar.inject(wire);
        // A retransmission now and then: the server transaction answers it, the TU sees it once.
        if (rnd() < 0.2) registrar.inject(wire);
        if (typeof text !== 'string' && text.answerable) owed.push(text.branch);
        clock.advance(Math.floor(rnd() * 50));
        await new Promise<void>((r) => setImmediate(r));
      }
      await new Promise<void>((r) => setImmediate(r));
      const responses = registrar.wire.filter((w) => w.startsWith('SIP/2.0 '));
      for (const branch of owed) {
        const ours = new RegExp(`branch=${branch}[;\r]`);
        const finals = responses.filter((r) => ours.test(r) && !/^SIP\/2\.0 1\d\d /.test(r));
        expect(finals.length, `seed ${seed} ${branch}`).toBeGreaterThanOrEqual(1);
        // Each final is the same bytes: a retransmission gets the stored answer, not a new one.
        expect(new Set(finals).size, `seed ${seed} ${branch}`).toBe(1);
      }
      expect(ua.registerer?.state).toBe('registered');
      const stopped = ua.stop();
      for (let i = 0; i < 100 && clock.pending > 0; i++) {
        clock.advance(1000);
        await new Promise<void>((r) => setImmediate(r));
      }
      await stopped;
      expect(ua.state).toBe('stopped');
      expect(clock.pending).toBe(0);
    }
  });
});
