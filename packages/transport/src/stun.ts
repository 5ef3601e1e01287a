import type { RandomSource } from './clock.js';
import type { Endpoint } from './transport.js';

/** The fixed cookie at bytes 4-7 of every RFC 5389 STUN message. */
export const STUN_MAGIC_COOKIE = 0x2112a442;
/** Message type of a Binding request (RFC 5389 section 18.1). */
export const STUN_BINDING_REQUEST = 0x0001;
/** Message type of a Binding success response. */
export const STUN_BINDING_SUCCESS = 0x0101;
/** Message type of a Binding error response. */
export const STUN_BINDING_ERROR = 0x0111;

const HEADER = 20;
const XOR_MAPPED_ADDRESS = 0x0020;
const MAPPED_ADDRESS = 0x0001;
const ERROR_CODE = 0x0009;
const UNKNOWN_ATTRIBUTES = 0x000a;
/** Types below this are comprehension-required (RFC 5389 section 15). */
const OPTIONAL_FROM = 0x8000;
/**
 * The other comprehension-required types RFC 5389 defines (USERNAME, MESSAGE-INTEGRITY, ERROR-CODE,
 * UNKNOWN-ATTRIBUTES, REALM, NONCE): known, so never a 420, though a server without credentials
 * has nothing to check them against (section 10).
 */
const RFC5389_TYPES = [0x0006, 0x0008, ERROR_CODE, UNKNOWN_ATTRIBUTES, 0x0014, 0x0015];

/** Stable codes of {@link StunError}. */
export type StunErrorCode =
  /** The bytes are not a STUN message (header, cookie or length wrong). */
  | 'NOT_STUN'
  /** An attribute runs past the end of the message or has a malformed value. */
  | 'BAD_ATTRIBUTE'
  /** An address to encode is neither IPv4 nor IPv6. */
  | 'BAD_ADDRESS';

/** The only error the STUN codec throws, with a stable {@link StunErrorCode}. */
export class StunError extends Error {
  /** Always `'StunError'`. */
  override readonly name = 'StunError';

  constructor(
    /** What went wrong, stable across versions. */
    readonly code: StunErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** A decoded STUN message: type, transaction id and the mapped address, when it carries one. */
export interface StunMessage {
  /** Message type (method and class), e.g. {@link STUN_BINDING_SUCCESS}. */
  type: number;
  /** The 96-bit transaction id. */
  transactionId: Uint8Array;
  /** XOR-MAPPED-ADDRESS, else MAPPED-ADDRESS: the sender's address as the server saw it. */
  mapped?: Endpoint;
  /**
   * The comprehension-required attribute types (0x0000-0x7FFF) that {@link parseStun} does not
   * read (all but the two mapped addresses), each once, in order; absent when there are none. A
   * request carrying any is answered with {@link stunUnknownAttributes} (RFC 5389 section 7.3.1).
   */
  unknown?: number[];
}

/**
 * True when a datagram is a STUN message (RFC 5389 section 6): the two top bits zero, the magic
 * cookie in place, and a length that is a multiple of 4 and matches the datagram. SIP text never
 * passes (its first byte is a letter).
 */
export function isStunMessage(bytes: Uint8Array): boolean {
  if (bytes.length < HEADER || (bytes[0]! & 0xc0) !== 0) return false;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getUint16(2);
  return view.getUint32(4) === STUN_MAGIC_COOKIE && length % 4 === 0 && HEADER + length === bytes.length;
}

/** A fresh 96-bit transaction id. */
export function stunTransactionId(random: RandomSource): Uint8Array {
  return random(12);
}

/** A Binding request with no attributes (what RFC 5626 section 4.4.2 sends on a flow). */
export function stunBindingRequest(transactionId: Uint8Array): Uint8Array {
  return header(STUN_BINDING_REQUEST, 0, transactionId);
}

/**
 * A Binding success response to the request with `transactionId`, carrying `mapped` (the
 * request's source address) as XOR-MAPPED-ADDRESS. Throws {@link StunError} `BAD_ADDRESS` when
 * the host is not an IP address.
 */
export function stunBindingSuccess(transactionId: Uint8Array, mapped: Endpoint): Uint8Array {
  const ip = ipBytes(mapped.host);
  const out = header(STUN_BINDING_SUCCESS, 4 + 4 + ip.length, transactionId);
  const view = new DataView(out.buffer);
  view.setUint16(HEADER, XOR_MAPPED_ADDRESS);
  view.setUint16(HEADER + 2, 4 + ip.length);
  out[HEADER + 5] = ip.length === 4 ? 1 : 2;
  view.setUint16(HEADER + 6, mapped.port ^ (STUN_MAGIC_COOKIE >>> 16));
  const mask = xorMask(out);
  for (let i = 0; i < ip.length; i++) out[HEADER + 8 + i] = ip[i]! ^ mask[i]!;
  return out;
}

/**
 * A Binding error response 420 (Unknown Attribute) to the request with `transactionId`: ERROR-CODE,
 * then UNKNOWN-ATTRIBUTES listing `unknown` (RFC 5389 sections 7.3.1, 15.6 and 15.9).
 */
export function stunUnknownAttributes(transactionId: Uint8Array, unknown: readonly number[]): Uint8Array {
  const reason = new TextEncoder().encode('Unknown Attribute');
  const errorLength = 4 + reason.length;
  const listAt = HEADER + 4 + padded(errorLength);
  const out = header(STUN_BINDING_ERROR, listAt - HEADER + 4 + padded(2 * unknown.length), transactionId);
  const view = new DataView(out.buffer);
  view.setUint16(HEADER, ERROR_CODE);
  view.setUint16(HEADER + 2, errorLength);
  // 21 reserved bits, then the class (the hundreds) in 3 bits and the number (the rest) in 8.
  out[HEADER + 6] = 4;
  out[HEADER + 7] = 20;
  out.set(reason, HEADER + 8);
  view.setUint16(listAt, UNKNOWN_ATTRIBUTES);
  view.setUint16(listAt + 2, 2 * unknown.length);
  for (const [i, type] of unknown.entries()) view.setUint16(listAt + 4 + 2 * i, type);
  return out;
}

/**
 * Decodes a STUN message. Throws {@link StunError} (and nothing else) when the bytes are not
 * STUN or an attribute is malformed; unknown attributes are skipped, and the comprehension-required
 * ones among them listed in `unknown`.
 */
export function parseStun(bytes: Uint8Array): StunMessage {
  if (!isStunMessage(bytes)) throw new StunError('NOT_STUN', 'not a STUN message');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const msg: StunMessage = { type: view.getUint16(0), transactionId: bytes.slice(8, HEADER) };
  let plain: Endpoint | undefined;
  // A Set, not a list search: a 64 KB datagram can carry 16,000 distinct types.
  const unknown = new Set<number>();
  for (let at = HEADER; at < bytes.length; ) {
    if (at + 4 > bytes.length) throw new StunError('BAD_ATTRIBUTE', 'truncated attribute header');
    const type = view.getUint16(at);
    const length = view.getUint16(at + 2);
    const value = at + 4;
    if (value + length > bytes.length)
      throw new StunError('BAD_ATTRIBUTE', `attribute 0x${hex(type)} too long`);
    if (type === XOR_MAPPED_ADDRESS) msg.mapped ??= address(bytes, value, length, xorMask(bytes));
    else if (type === MAPPED_ADDRESS) plain ??= address(bytes, value, length, undefined);
    else if (type < OPTIONAL_FROM && !RFC5389_TYPES.includes(type)) unknown.add(type);
    at = value + padded(length);
  }
  if (!msg.mapped && plain) msg.mapped = plain;
  if (unknown.size > 0) msg.unknown = [...unknown];
  return msg;
}

/** `length` rounded up to the 32-bit boundary every attribute ends on. */
function padded(length: number): number {
  return length + ((4 - (length % 4)) % 4);
}

/** The 20-byte header with the cookie, and room for `length` bytes of attributes. */
function header(type: number, length: number, transactionId: Uint8Array): Uint8Array {
  if (transactionId.length !== 12) throw new RangeError('a STUN transaction id has 12 bytes');
  const out = new Uint8Array(HEADER + length);
  const view = new DataView(out.buffer);
  view.setUint16(0, type);
  view.setUint16(2, length);
  view.setUint32(4, STUN_MAGIC_COOKIE);
  out.set(transactionId, 8);
  return out;
}

/** Cookie then transaction id: what X-Address is XORed with (RFC 5389 section 15.2). */
function xorMask(message: Uint8Array): Uint8Array {
  return message.subarray(4, HEADER);
}

/** An (XOR-)MAPPED-ADDRESS value; `mask` undefined for the plain one. */
function address(bytes: Uint8Array, at: number, length: number, mask: Uint8Array | undefined): Endpoint {
  const family = bytes[at + 1];
  const size = family === 1 ? 4 : family === 2 ? 16 : 0;
  if (size === 0 || length !== 4 + size) throw new StunError('BAD_ATTRIBUTE', 'malformed mapped address');
  let port = (bytes[at + 2]! << 8) | bytes[at + 3]!;
  const ip = bytes.slice(at + 4, at + 4 + size);
  if (mask) {
    port ^= STUN_MAGIC_COOKIE >>> 16;
    for (let i = 0; i < size; i++) ip[i]! ^= mask[i]!;
  }
  return { host: size === 4 ? ip.join('.') : formatIpv6(ip), port };
}

/** RFC 5952 text of 16 address bytes: lower case, the longest run of zero groups as `::`. */
function formatIpv6(ip: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((ip[i]! << 8) | ip[i + 1]!);
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j === i ? i + 1 : j;
  }
  const text = (gs: number[]) => gs.map((g) => g.toString(16)).join(':');
  if (best < 0) return text(groups);
  return `${text(groups.slice(0, best))}::${text(groups.slice(best + bestLen))}`;
}

/** The bytes of an IPv4 or IPv6 address (brackets and a `%zone` allowed); else `BAD_ADDRESS`. */
function ipBytes(host: string): Uint8Array {
  const bare = host.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  const v4 = ipv4(bare);
  if (v4) return v4;
  const v6 = ipv6(bare);
  if (v6) return v6;
  throw new StunError('BAD_ADDRESS', `not an IP address: ${host}`);
}

function ipv4(text: string): Uint8Array | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) < 256)) return undefined;
  return Uint8Array.from(parts, Number);
}

function ipv6(text: string): Uint8Array | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    const items = part.split(':');
    for (const [i, item] of items.entries()) {
      const v4 = i === items.length - 1 && item.includes('.') ? ipv4(item) : undefined;
      if (v4) out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      else if (/^[0-9a-f]{1,4}$/i.test(item)) out.push(Number.parseInt(item, 16));
      else return undefined;
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const all = [...head, ...new Array<number>(missing).fill(0), ...tail];
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    out[2 * i] = g >>> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}

function hex(n: number): string {
  return n.toString(16).padStart(4, '0');
}
