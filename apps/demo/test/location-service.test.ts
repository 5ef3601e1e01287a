import { parseMessage, type SipRequest } from '@sipkit/parser';
import { describe, expect, test } from 'vitest';
import { LocationService } from '../src/dev-registrar/location-service.js';

const AOR = 'sip:alice@example.test';
const policy = { minExpires: 60, maxExpires: 3600, defaultExpires: 3600 };

function register(cseq: number, contact: string, extra: string[] = [], callId = 'call-1'): SipRequest {
  const text = [
    'REGISTER sip:example.test SIP/2.0',
    'Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1',
    'From: <sip:alice@example.test>;tag=1',
    'To: <sip:alice@example.test>',
    `Call-ID: ${callId}`,
    `CSeq: ${cseq} REGISTER`,
    ...(contact ? [`Contact: ${contact}`] : []),
    ...extra,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  return parseMessage(new TextEncoder().encode(text)) as SipRequest;
}

describe('LocationService (RFC 3261 10.3)', () => {
  test('adds, refreshes with a higher CSeq, lists and lets bindings lapse lazily', () => {
    const loc = new LocationService(policy);
    const first = loc.apply(AOR, register(1, '<sip:a@192.0.2.1>;expires=120'), 0, false);
    expect(first).toMatchObject({ status: 200 });
    loc.apply(AOR, register(1, '<sip:b@192.0.2.2>', ['Expires: 300'], 'other-call'), 0, false);
    expect(loc.bindings(AOR, 0).map((b) => String(b.contact.uri))).toEqual([
      'sip:a@192.0.2.1',
      'sip:b@192.0.2.2',
    ]);
    expect(loc.apply(AOR, register(2, '<sip:a@192.0.2.1>;expires=250'), 100_000, false)).toMatchObject({
      status: 200,
    });
    expect(loc.bindings(AOR, 299_000)).toHaveLength(2);
    expect(loc.bindings(AOR, 300_001).map((b) => String(b.contact.uri))).toEqual(['sip:a@192.0.2.1']);
    expect(loc.bindings(AOR, 350_001)).toEqual([]);
    expect(loc.size).toBe(0);
  });

  test('caps at maxExpires and uses the default when none is given', () => {
    const loc = new LocationService(policy);
    loc.apply(AOR, register(1, '<sip:a@h>;expires=99999'), 0, false);
    loc.apply(AOR, register(1, '<sip:b@h>', [], 'c2'), 0, false);
    expect(loc.bindings(AOR, 0).map((b) => b.expiresAt)).toEqual([3_600_000, 3_600_000]);
  });

  test('answers 423 below Min-Expires, but lets 0 remove', () => {
    const loc = new LocationService(policy);
    expect(loc.apply(AOR, register(1, '<sip:a@h>;expires=30'), 0, false)).toEqual({
      status: 423,
      minExpires: 60,
    });
    loc.apply(AOR, register(2, '<sip:a@h>;expires=60'), 0, false);
    expect(loc.apply(AOR, register(3, '<sip:a@h>;expires=0'), 0, false)).toEqual({
      status: 200,
      bindings: [],
    });
  });

  test('refuses an out-of-order CSeq on the same Call-ID', () => {
    const loc = new LocationService(policy);
    loc.apply(AOR, register(5, '<sip:a@h>'), 0, false);
    expect(loc.apply(AOR, register(5, '<sip:a@h>'), 0, false)).toMatchObject({ status: 500 });
    expect(loc.apply(AOR, register(4, '<sip:a@h>'), 0, false)).toMatchObject({ status: 500 });
    expect(loc.apply(AOR, register(1, '<sip:a@h>', [], 'new-call'), 0, false)).toMatchObject({ status: 200 });
  });

  test('Contact * removes everything, only with Expires: 0 and alone', () => {
    const loc = new LocationService(policy);
    loc.apply(AOR, register(1, '<sip:a@h>'), 0, false);
    expect(loc.apply(AOR, register(2, '*'), 0, false)).toMatchObject({ status: 400 });
    expect(loc.apply(AOR, register(2, '*', ['Contact: <sip:b@h>', 'Expires: 0']), 0, false)).toMatchObject({
      status: 400,
    });
    expect(loc.apply(AOR, register(2, '*', ['Expires: 0']), 0, false)).toEqual({ status: 200, bindings: [] });
    expect(loc.bindings(AOR, 0)).toEqual([]);
  });

  test('a REGISTER without Contact only queries', () => {
    const loc = new LocationService(policy);
    loc.apply(AOR, register(1, '<sip:a@h>'), 0, false);
    expect(loc.apply(AOR, register(2, ''), 0, false)).toMatchObject({ status: 200, bindings: [{ cseq: 1 }] });
  });

  test('with outbound, the binding is the instance and reg-id: a new flow address replaces it', () => {
    const loc = new LocationService(policy);
    const inst = ';+sip.instance="<urn:uuid:00000000-0000-1000-8000-000000000001>";reg-id=1';
    loc.apply(AOR, register(1, `<sip:a@192.0.2.1:5060>${inst}`), 0, true);
    loc.apply(AOR, register(2, `<sip:a@192.0.2.9:6000>${inst}`), 0, true);
    const [only, ...rest] = loc.bindings(AOR, 0);
    expect(rest).toEqual([]);
    expect(String(only?.contact.uri)).toBe('sip:a@192.0.2.9:6000');
    expect(only).toMatchObject({ instance: 'urn:uuid:00000000-0000-1000-8000-000000000001', regId: 1 });
    // Without outbound support the same two contacts are two bindings.
    const plain = new LocationService(policy);
    plain.apply(AOR, register(1, `<sip:a@192.0.2.1:5060>${inst}`), 0, false);
    plain.apply(AOR, register(2, `<sip:a@192.0.2.9:6000>${inst}`), 0, false);
    expect(plain.bindings(AOR, 0)).toHaveLength(2);
  });
});
