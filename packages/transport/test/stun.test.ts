import {
  isStunMessage,
  parseStun,
  STUN_BINDING_REQUEST,
  STUN_BINDING_SUCCESS,
  StunError,
  stunBindingRequest,
  stunBindingSuccess,
  stunTransactionId,
  stunUnknownAttributes,
} from '@sipkit/transport/node';
import { describe, expect, it } from 'vitest';

const hex = (s: string) =>
  Uint8Array.from(s.replace(/\s+/g, '').match(/../g)!, (b) => Number.parseInt(b, 16));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const TID = 'b7e7a701 bc34d686 fa87dfae';

/** A Binding success response with SOFTWARE "test vector " and XOR-MAPPED-ADDRESS 192.0.2.1:32853. */
const IPV4_RESPONSE = hex(`0101 001c 2112a442 ${TID}
  8022 000b 74657374 20766563 746f7220
  0020 0008 0001 a147 e112a643`);

/** The same with 2001:db8:1234:5678:11:2233:4455:6677 port 32853. */
const IPV6_RESPONSE = hex(`0101 0018 2112a442 ${TID}
  0020 0014 0002 a147 0113a9fa a5d3f179 bc25f4b5 bed2b9d9`);

function expectStunError(bytes: Uint8Array, code: string): void {
  let caught: unknown;
  try {
    parseStun(bytes);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(StunError);
  expect((caught as StunError).code).toBe(code);
}

describe('STUN codec', () => {
  it('builds a Binding request: type 1, length 0, the cookie and the transaction id', () => {
    expect(toHex(stunBindingRequest(hex(TID)))).toBe('000100002112a442b7e7a701bc34d686fa87dfae');
    expect(() => stunBindingRequest(new Uint8Array(11))).toThrow(RangeError);
  });

  it('takes 96 random bits as the transaction id', () => {
    const id = stunTransactionId((n) => Uint8Array.from({ length: n }, (_, i) => i));
    expect(toHex(id)).toBe('000102030405060708090a0b');
  });

  it('decodes XOR-MAPPED-ADDRESS over IPv4, skipping a padded unknown attribute', () => {
    const msg = parseStun(IPV4_RESPONSE);
    expect(msg.type).toBe(STUN_BINDING_SUCCESS);
    expect(toHex(msg.transactionId)).toBe(TID.replace(/ /g, ''));
    expect(msg.mapped).toEqual({ host: '192.0.2.1', port: 32853 });
  });

  it('decodes XOR-MAPPED-ADDRESS over IPv6', () => {
    expect(parseStun(IPV6_RESPONSE).mapped).toEqual({
      host: '2001:db8:1234:5678:11:2233:4455:6677',
      port: 32853,
    });
  });

  it('falls back to MAPPED-ADDRESS, and prefers XOR-MAPPED-ADDRESS when both are there', () => {
    const plain = hex(`0101 000c 2112a442 ${TID} 0001 0008 0001 13c4 c0000202`);
    expect(parseStun(plain).mapped).toEqual({ host: '192.0.2.2', port: 5060 });
    const both = hex(`0101 0018 2112a442 ${TID} 0001 0008 0001 13c4 c0000202 0020 0008 0001 a147 e112a643`);
    expect(parseStun(both).mapped).toEqual({ host: '192.0.2.1', port: 32853 });
  });

  it('lists the comprehension-required attributes it does not read, each once, in order', () => {
    // PRIORITY (0x0024), SOFTWARE "abc" (0x8022, optional), 0x7fff empty, PRIORITY again,
    // XOR-MAPPED-ADDRESS (read), FINGERPRINT (0x8028, optional).
    const request = hex(`0001 0030 2112a442 ${TID}
      0024 0004 6e001eff  8022 0003 61626300  7fff 0000  0024 0004 00000000
      0020 0008 0001 a147 e112a643  8028 0004 01020304`);
    const msg = parseStun(request);
    expect(msg.type).toBe(STUN_BINDING_REQUEST);
    expect(msg.unknown).toEqual([0x0024, 0x7fff]);
    expect(msg.mapped).toEqual({ host: '192.0.2.1', port: 32853 });
    // The other comprehension-required types RFC 5389 defines are known: USERNAME "ab",
    // MESSAGE-INTEGRITY (20 bytes), REALM, NONCE (both empty).
    const credentials = hex(`0001 0028 2112a442 ${TID}
      0006 0002 61620000  0008 0014 ${'00'.repeat(20)}  0014 0000  0015 0000`);
    expect(parseStun(credentials).unknown).toBeUndefined();
    // Only optional ones: nothing listed.
    expect(parseStun(IPV4_RESPONSE).unknown).toBeUndefined();
    expect(parseStun(stunBindingRequest(hex(TID))).unknown).toBeUndefined();
    // Many distinct empty ones, each listed once.
    const types = Array.from({ length: 4000 }, (_, i) => 0x1000 + (i % 2000));
    const many = hex(`0001 ${(4 * types.length).toString(16).padStart(4, '0')} 2112a442 ${TID}
      ${types.map((t) => `${t.toString(16).padStart(4, '0')}0000`).join('')}`);
    expect(parseStun(many).unknown).toEqual(types.slice(0, 2000));
  });

  it('builds a Binding error response 420 with ERROR-CODE and UNKNOWN-ATTRIBUTES (RFC 5389 7.3.1)', () => {
    // ERROR-CODE: length 21 (4 + "Unknown Attribute"), class 4, number 20, 3 bytes of padding;
    // UNKNOWN-ATTRIBUTES: the types, padded to 32 bits with zeros.
    const reason = '556e6b6e 6f776e20 41747472 69627574 65';
    expect(toHex(stunUnknownAttributes(hex(TID), [0x0024, 0x7fff]))).toBe(
      toHex(hex(`0111 0024 2112a442 ${TID} 0009 0015 00000414 ${reason}000000 000a 0004 0024 7fff`)),
    );
    expect(toHex(stunUnknownAttributes(hex(TID), [0x0003]))).toBe(
      toHex(hex(`0111 0024 2112a442 ${TID} 0009 0015 00000414 ${reason}000000 000a 0002 0003 0000`)),
    );
    expect(isStunMessage(stunUnknownAttributes(hex(TID), [1, 2, 3]))).toBe(true);
  });

  it('builds a Binding success response with the sender as XOR-MAPPED-ADDRESS', () => {
    const v4 = stunBindingSuccess(hex(TID), { host: '192.0.2.1', port: 32853 });
    expect(toHex(v4)).toBe(toHex(hex(`0101 000c 2112a442 ${TID} 0020 0008 0001 a147 e112a643`)));
    const v6 = stunBindingSuccess(hex(TID), { host: '[::1]', port: 5060 });
    expect(toHex(v6)).toBe(
      toHex(hex(`0101 0018 2112a442 ${TID} 0020 0014 0002 32d6 2112a442 b7e7a701 bc34d686 fa87dfaf`)),
    );
    expect(parseStun(v6).mapped).toEqual({ host: '::1', port: 5060 });
    const mapped = parseStun(stunBindingSuccess(hex(TID), { host: '::ffff:127.0.0.1', port: 1 })).mapped;
    expect(mapped).toEqual({ host: '::ffff:7f00:1', port: 1 });
    expect(parseStun(stunBindingSuccess(hex(TID), { host: 'fe80::1%eth0', port: 2 })).mapped?.host).toBe(
      'fe80::1',
    );
    expect(parseStun(stunBindingSuccess(hex(TID), { host: '1:0:0:2:0:0:0:3', port: 2 })).mapped?.host).toBe(
      '1:0:0:2::3',
    );
    expect(() => stunBindingSuccess(hex(TID), { host: 'example.com', port: 1 })).toThrow(StunError);
    expect(() => stunBindingSuccess(hex(TID), { host: '1::2::3', port: 1 })).toThrow(StunError);
    expect(() => stunBindingSuccess(hex(TID), { host: '256.1.1.1', port: 1 })).toThrow(StunError);
  });

  it('recognises STUN by its top bits, cookie and length, and never SIP text', () => {
    expect(isStunMessage(IPV4_RESPONSE)).toBe(true);
    expect(isStunMessage(stunBindingRequest(hex(TID)))).toBe(true);
    expect(
      isStunMessage(new TextEncoder().encode('OPTIONS sip:a@b SIP/2.0\r\nCall-ID: 01234567\r\n\r\n')),
    ).toBe(false);
    const topBits = IPV4_RESPONSE.slice();
    topBits[0] = 0x41;
    expect(isStunMessage(topBits)).toBe(false);
    const cookie = IPV4_RESPONSE.slice();
    cookie[4] = 0x22;
    expect(isStunMessage(cookie)).toBe(false);
    expect(isStunMessage(IPV4_RESPONSE.subarray(0, IPV4_RESPONSE.length - 4))).toBe(false);
    expect(isStunMessage(hex(`0001 0002 2112a442 ${TID} 0000`))).toBe(false);
    expect(isStunMessage(new Uint8Array(19))).toBe(false);
  });

  it('rejects malformed input with StunError only', () => {
    expectStunError(new TextEncoder().encode('not stun at all, not at all'), 'NOT_STUN');
    // An attribute whose length runs past the end.
    expectStunError(hex(`0101 0008 2112a442 ${TID} 0020 0010 0001 a147`), 'BAD_ATTRIBUTE');
    // Family 3, and an IPv4 address with the length of an IPv6 one.
    expectStunError(hex(`0101 000c 2112a442 ${TID} 0020 0008 0003 a147 e112a643`), 'BAD_ATTRIBUTE');
    expectStunError(hex(`0101 0018 2112a442 ${TID} 0020 0014 0001 a147 ${'00'.repeat(16)}`), 'BAD_ATTRIBUTE');
    // Every truncation and every single-byte change of a valid response: StunError or a result.
    for (let n = 0; n < IPV6_RESPONSE.length; n++) {
      for (const bytes of [IPV6_RESPONSE.subarray(0, n), flip(IPV6_RESPONSE, n)]) {
        try {
          parseStun(bytes);
        } catch (err) {
          expect(err).toBeInstanceOf(StunError);
        }
      }
    }
  });
});

function flip(bytes: Uint8Array, at: number): Uint8Array {
  const out = bytes.slice();
  out[at]! ^= 0xff;
  return out;
}
