import { readFileSync } from 'node:fs';
import type { SipRequest, SipResponse } from '@sipkit/parser';
import { createResponse } from '@sipkit/parser';
import { describe, expect, it } from 'vitest';
import type { ElementRole } from '../src/index.js';
import { makeRequest, PEER, recordingUser, setup, UA } from './helpers.js';

const dir = new URL('../../../../shared/conformance/rfc4475/', import.meta.url);
const load = (name: string) => new Uint8Array(readFileSync(new URL(`${name}.dat`, dir)));

/** Sends a torture message from the peer and returns what the layer answered and what the TU saw. */
function feed(name: string, role: ElementRole = 'ua', times = 1) {
  const env = setup('UDP', { role });
  const user = recordingUser();
  env.layer.user = user;
  for (let i = 0; i < times; i++) {
    env.peer.sendBytes(load(name), UA);
    env.clock.advance(5);
  }
  const answers = env.net.sentBy(UA).map((p) => p.message as SipResponse);
  return { env, user, answers };
}

describe('RFC 4475 semantic cases through the transaction layer', () => {
  const cases: [string, number, string][] = [
    ['insuf', 400, '3.3.1 missing Call-ID, From, To'],
    ['multi01', 400, '3.3.8 several values of single-valued headers'],
    ['mismatch01', 400, '3.1.2.17 CSeq method differs'],
    ['mismatch02', 400, '3.1.2.18 unknown method, CSeq method differs'],
    ['unkscm', 416, '3.3.2 unknown Request-URI scheme'],
    ['novelsc', 416, '3.3.3 soap.beep Request-URI'],
    ['mcl01', 400, '3.3.9 conflicting Content-Length'],
    ['scalar02', 400, '3.1.2.4 overlarge CSeq and Max-Forwards'],
    ['quotbal', 400, '3.1.2.6 unterminated quote in a display name'],
    ['badaspec', 400, '3.1.2.14 spaces in addr-spec'],
    ['regbadct', 400, '3.1.2.13 Contact with headers but no <>'],
  ];
  for (const [name, status, what] of cases) {
    it(`${name} (${what}) is answered ${status} without reaching the TU`, () => {
      const { user, answers } = feed(name);
      expect(answers.map((a) => a.status)).toEqual([status]);
      expect(user.requests).toHaveLength(0);
      // Transaction-layer answers still carry a To tag (RFC 3261 8.2.6.2) when there is a To.
      const to = answers[0]!.headers.get('to');
      if (to !== undefined && status !== 400) expect(answers[0]!.to?.tag).toBeDefined();
    });
  }

  it('insuf: the 400 copies Via and CSeq and is routed to the Via (received stamped)', () => {
    const { env, answers } = feed('insuf');
    expect(answers[0]!.cseq?.toString()).toBe('193942 INVITE');
    expect(answers[0]!.topVia?.received).toBe(PEER.host);
    expect(env.net.sentBy(UA)[0]!.to).toEqual({ host: PEER.host, port: 5060 });
  });

  it('bext01 (3.3.5): UA role answers 420 listing the unknown Require tags in Unsupported', () => {
    const { answers } = feed('bext01');
    expect(answers[0]!.status).toBe(420);
    expect(answers[0]!.headers.typed('unsupported')).toEqual([
      'nothingSupportsThis',
      'nothingSupportsThisEither',
    ]);
  });

  it('bext01: proxy role answers 420 listing the unknown Proxy-Require tags', () => {
    const { answers } = feed('bext01', 'proxy');
    expect(answers[0]!.status).toBe(420);
    expect(answers[0]!.headers.typed('unsupported')).toEqual([
      'noProxiesSupportThis',
      'norDoAnyProxiesSupportThis',
    ]);
  });

  it('bext01: supported option tags are accepted', () => {
    const env = setup('UDP', { supported: ['nothingSupportsThis', 'NOTHINGSUPPORTSTHISEITHER'] });
    const user = recordingUser();
    env.layer.user = user;
    env.peer.sendBytes(load('bext01'), UA);
    env.clock.advance(5);
    expect(user.requests).toHaveLength(1);
  });

  it('zeromf (3.3.11): a UA processes Max-Forwards 0 normally (200 from the TU)', () => {
    const { env, user } = feed('zeromf');
    expect(user.requests).toHaveLength(1);
    const [tx, req] = user.requests[0]!;
    tx.respond(createResponse(req, 200, { toTag: 'ua' }));
    expect(env.net.sentBy(UA).map((p) => (p.message as SipResponse).status)).toEqual([200]);
  });

  it('zeromf: a proxy answers 483', () => {
    const { user, answers } = feed('zeromf', 'proxy');
    expect(answers.map((a) => a.status)).toEqual([483]);
    expect(user.requests).toHaveLength(0);
  });

  for (const name of ['badbranch', 'inv2543']) {
    it(`${name}: accepted, and a retransmission is matched by the RFC 2543 rules`, () => {
      const { env, user } = feed(name, 'ua', 2);
      expect(user.requests).toHaveLength(1);
      const [tx, req] = user.requests[0]!;
      tx.respond(createResponse(req, 404, { toTag: 'nf' }));
      env.peer.sendBytes(load(name), UA);
      env.clock.advance(5);
      expect(env.net.sentBy(UA).map((p) => (p.message as SipResponse).status)).toEqual([404, 404]);
      expect(user.requests).toHaveLength(1);
    });
  }

  it('badinv01 (3.1.2.1): an unreadable Via leaves nowhere to answer, so the request is dropped', () => {
    const { user, answers } = feed('badinv01');
    expect(answers).toEqual([]);
    expect(user.requests).toHaveLength(0);
  });

  it('bcast (3.3.10): a UA discards the 200 whose second Via is 255.255.255.255', () => {
    const env = setup('UDP');
    const user = recordingUser();
    env.layer.user = user;
    const tx = env.layer.request(makeRequest('INVITE'), { target: PEER });
    // The torture message, answering our INVITE: its top Via (sent-by and branch) made ours.
    const ours = tx.request.headers.get('via')!;
    const text = new TextDecoder('latin1')
      .decode(load('bcast'))
      .replace('Via: SIP/2.0/UDP 192.0.2.198;branch=z9hG4bK1324923', `Via: ${ours}`);
    env.peer.sendText(text, UA);
    env.clock.advance(5);
    expect(tx.state).toBe('calling');
    expect(user.strays).toEqual([]);
    // The same 200 without the broadcast Via is ours.
    env.peer.sendText(text.replace(/Via: SIP\/2\.0\/UDP 255\.255\.255\.255[^\r]*\r\n/, ''), UA);
    env.clock.advance(5);
    expect(tx.state).toBe('accepted');
  });

  it('bcast: a proxy, whose responses carry the Vias of earlier hops, does not discard it', () => {
    const env = setup('UDP', { role: 'proxy' });
    const user = recordingUser();
    env.layer.user = user;
    env.peer.sendBytes(load('bcast'), UA);
    env.clock.advance(5);
    // No transaction of ours, and not our sent-by: dropped by section 18.1.2, not by the Via count.
    expect(user.strays).toEqual([]);
    const proxy = setup('UDP', { role: 'proxy' });
    const seen = recordingUser();
    proxy.layer.user = seen;
    const text = new TextDecoder('latin1')
      .decode(load('bcast'))
      .replace('192.0.2.198;branch', `${UA.host}:${UA.port};branch`);
    proxy.peer.sendText(text, UA);
    proxy.clock.advance(5);
    expect(seen.strays).toHaveLength(1);
  });

  const valid = [
    'wsinv',
    'intmeth',
    'esc01',
    'escnull',
    'esc02',
    'lwsdisp',
    'longreq',
    'dblreq',
    'semiuri',
    'transports',
    'mpart01',
    'cparam01',
    'cparam02',
    'regescrt',
    // Semantic errors that belong to the TU, not the transaction layer:
    'unksm2',
    'invut',
    'regaut01',
    'sdp01',
  ];
  for (const name of valid) {
    it(`${name} reaches the TU unchanged in method and Call-ID`, () => {
      const { user, answers } = feed(name);
      expect(answers).toEqual([]);
      expect(user.requests).toHaveLength(1);
      const req = user.requests[0]![1] as SipRequest;
      expect(req.callId).toBeDefined();
      expect(req.cseq?.method).toBe(req.method);
    });
  }
});
