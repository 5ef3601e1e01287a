import { createResponse, parseMessage, type SipRequest } from '@sipkit/parser';
import { describe, expect, it } from 'vitest';
import { checkRequest, timerValues } from '../src/index.js';

const req = (lines: string[]) =>
  parseMessage(new TextEncoder().encode([...lines, 'Content-Length: 0', '', ''].join('\r\n'))) as SipRequest;

const base = (method = 'OPTIONS', extra: string[] = [], uri = 'sip:a@example.com') => [
  `${method} ${uri} SIP/2.0`,
  'Via: SIP/2.0/UDP h.example.com;branch=z9hG4bKx',
  'From: <sip:b@example.com>;tag=1',
  'To: <sip:a@example.com>',
  'Call-ID: c1',
  `CSeq: 1 ${method}`,
  ...extra,
];

describe('checkRequest', () => {
  it('passes a well-formed request, with or without Max-Forwards', () => {
    expect(checkRequest(req(base()))).toBeUndefined();
    expect(checkRequest(req([...base(), 'Max-Forwards: 70']))).toBeUndefined();
  });

  it('400 names what is wrong', () => {
    expect(checkRequest(req(base().filter((l) => !l.startsWith('Call-ID'))))?.reason).toBe('Missing Call-ID');
    expect(checkRequest(req([...base(), 'CSeq: 2 OPTIONS']))?.reason).toBe('Conflicting CSeq headers');
    expect(checkRequest(req([...base(), 'Max-Forwards: abc']))?.reason).toBe('Malformed Max-Forwards');
  });

  it('accepts tel: and sips:, refuses other schemes unless configured', () => {
    expect(checkRequest(req(base('OPTIONS', [], 'tel:+15551234')))).toBeUndefined();
    expect(checkRequest(req(base('OPTIONS', [], 'sips:a@example.com')))).toBeUndefined();
    expect(checkRequest(req(base('OPTIONS', [], 'im:a@example.com')))?.status).toBe(416);
    expect(checkRequest(req(base('OPTIONS', [], 'im:a@example.com')), { schemes: ['im'] })).toBeUndefined();
  });

  it('does not examine Require on ACK and CANCEL', () => {
    expect(checkRequest(req(base('CANCEL', ['Require: foo'])))).toBeUndefined();
    expect(checkRequest(req(base('BYE', ['Require: foo'])))?.status).toBe(420);
  });

  it('a UA ignores Proxy-Require; a proxy ignores Require', () => {
    expect(checkRequest(req(base('OPTIONS', ['Proxy-Require: foo'])))).toBeUndefined();
    expect(checkRequest(req(base('OPTIONS', ['Require: foo'])), { role: 'proxy' })).toBeUndefined();
  });
});

describe('createResponse', () => {
  it('copies Via lines, From, To (adding the tag), Call-ID, CSeq; 100 keeps Timestamp and no tag', () => {
    const r = req([...base(), 'Via: SIP/2.0/UDP second.example.com;branch=z9hG4bKy', 'Timestamp: 54']);
    const ok = createResponse(r, 200, { toTag: 't1' });
    expect(ok.headers.getAll('via')).toHaveLength(2);
    expect(ok.to?.tag).toBe('t1');
    expect(ok.reason).toBe('OK');
    expect(ok.headers.has('timestamp')).toBe(false);
    const trying = createResponse(r, 100, { toTag: 't1' });
    expect(trying.to?.tag).toBeUndefined();
    expect(trying.headers.get('timestamp')).toBe('54');
  });

  it('keeps an existing To tag', () => {
    const r = req(base('BYE').map((l) => (l.startsWith('To:') ? 'To: <sip:a@example.com>;tag=old' : l)));
    expect(createResponse(r, 200, { toTag: 'new' }).to?.tag).toBe('old');
  });
});

describe('timerValues', () => {
  it('follows RFC 3261 Table 4 and RFC 6026', () => {
    const udp = timerValues({ t1: 500, t2: 4000, t4: 5000 }, false);
    expect(udp).toEqual({
      A: 500,
      B: 32000,
      D: 32000,
      E: 500,
      F: 32000,
      G: 500,
      H: 32000,
      I: 5000,
      J: 32000,
      K: 5000,
      L: 32000,
      M: 32000,
      T2: 4000,
    });
    const tcp = timerValues({ t1: 500, t2: 4000, t4: 5000 }, true);
    expect([tcp.D, tcp.I, tcp.J, tcp.K]).toEqual([0, 0, 0, 0]);
    expect(tcp.B).toBe(32000);
  });
});
