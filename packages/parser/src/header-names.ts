// The numbers first: esbuild writes a module's leading constants where they are used.
/** Slots of the open-addressed name table {@link BY_HASH} (a power of two). */
const SLOTS = 256;
/** The {@link keyId} numbers below this are Via, From, To, Call-ID, CSeq and Contact. */
export const HOT_IDS = 6;

/** RFC 3261 section 7.3.3 compact forms and later ones (RFC 3515, 3841, 3892, 4028, 6665). */
const COMPACT: Record<string, string> = {
  i: 'call-id',
  m: 'contact',
  f: 'from',
  t: 'to',
  v: 'via',
  l: 'content-length',
  c: 'content-type',
  k: 'supported',
  s: 'subject',
  e: 'content-encoding',
  o: 'event',
  r: 'refer-to',
  b: 'referred-by',
  x: 'session-expires',
  u: 'allow-events',
  y: 'identity',
  a: 'accept-contact',
  j: 'reject-contact',
  d: 'request-disposition',
};

/** Spelling used when the stack writes a header it knows. */
const CANONICAL: Record<string, string> = {
  'call-id': 'Call-ID',
  cseq: 'CSeq',
  'www-authenticate': 'WWW-Authenticate',
  rack: 'RAck',
  rseq: 'RSeq',
  'min-se': 'Min-SE',
  'mime-version': 'MIME-Version',
};

/** Lower-case long form of a header name: `"v"` and `"VIA"` both give `"via"`. */
export function headerKey(name: string): string {
  const lower = name.toLowerCase();
  return lower.length === 1 ? (COMPACT[lower] ?? lower) : lower;
}

/** Conventional spelling of a header name (`call-id` → `Call-ID`, `via` → `Via`). */
export function canonicalName(name: string): string {
  const key = headerKey(name);
  return CANONICAL[key] ?? key.replace(/(^|-)([a-z])/g, (_m, d: string, c: string) => d + c.toUpperCase());
}

/**
 * The long names with a typed parser or a compact form, so a parsed message can look them up
 * without building a lower-case string per line. Any other name goes through {@link headerKey}.
 */
const COMMON = [
  // These first HOT_IDS are in nearly every message and read from most (Headers indexes them).
  'via',
  'from',
  'to',
  'call-id',
  'cseq',
  'contact',
  'max-forwards',
  'content-length',
  'content-type',
  'expires',
  'min-expires',
  'route',
  'record-route',
  'path',
  'service-route',
  'allow',
  'allow-events',
  'supported',
  'require',
  'proxy-require',
  'unsupported',
  'authorization',
  'proxy-authorization',
  'www-authenticate',
  'proxy-authenticate',
  'accept',
  'date',
  'event',
  'subscription-state',
  'session-expires',
  'min-se',
  'rseq',
  'rack',
  'reply-to',
  'refer-to',
  'referred-by',
  'replaces',
  'p-asserted-identity',
  'retry-after',
  'security-client',
  'security-server',
  'security-verify',
  'warning',
  'subject',
  'content-encoding',
  'identity',
  'accept-contact',
  'reject-contact',
  'request-disposition',
];

/** Open-addressed table of indexes into COMMON by {@link nameHash}, and each name's character codes. */
const BY_HASH = new Int16Array(SLOTS).fill(-1);
const CODES: Uint8Array[] = COMMON.map((name) => Uint8Array.from(name, (c) => c.charCodeAt(0)));
/** Index into COMMON of the long form of each compact (one-letter) name, by lower-case character code. */
const COMPACT_IDS = new Int16Array(128).fill(-1);
const IDS = new Map<string, number>(COMMON.map((name, i) => [name, i]));

/**
 * The case-folding name hash of a name of `length` (2 or more) characters from its first two and
 * last character codes (`| 32` folds A-Z): cheap to take once the name's end is known, and
 * distinct enough for the table (a hit is compared in full).
 */
export function nameHash(length: number, first: number, second: number, last: number): number {
  return ((first | 32) * 961 + (second | 32) * 31 + (last | 32) + length * 7) & 0xffff;
}

COMMON.forEach((name, id) => {
  const h = nameHash(name.length, name.charCodeAt(0), name.charCodeAt(1), name.charCodeAt(name.length - 1));
  let slot = h & (SLOTS - 1);
  while (BY_HASH[slot] !== -1) slot = (slot + 1) & (SLOTS - 1);
  BY_HASH[slot] = id;
});
for (const [short, long] of Object.entries(COMPACT)) COMPACT_IDS[short.charCodeAt(0)] = IDS.get(long)!;

/**
 * A small number for each header key the parser meets often (every {@link KnownHeader} among
 * them), so lines can be matched by number; -1 for any other key.
 */
export function keyId(key: string): number {
  return IDS.get(key) ?? -1;
}

/** The key {@link keyId} numbered `id` (0 or more). */
export function keyOfId(id: number): string {
  return COMMON[id]!;
}

/**
 * Each COMMON name (of 4 characters or more) as little-endian 4-byte words, the way a 4-byte
 * load of it reads: from offset 0, 4, 8, ..., and when the length is no multiple of 4 the last 4
 * characters as one more word. Names are [a-z-], so a load of a header name's token characters
 * with `| 0x20202020` equals a word only when each character is that one in either case.
 */
const WORDS: Uint32Array[] = COMMON.map((name) => {
  const at = (i: number) =>
    (name.charCodeAt(i) |
      (name.charCodeAt(i + 1) << 8) |
      (name.charCodeAt(i + 2) << 16) |
      (name.charCodeAt(i + 3) << 24)) >>>
    0;
  const words: number[] = [];
  for (let i = 0; i + 4 <= name.length; i += 4) words.push(at(i));
  if (name.length % 4 !== 0 && name.length > 4) words.push(at(name.length - 4));
  return Uint32Array.from(words);
});

/**
 * {@link keyId} of the {@link headerKey} of the token from `start` to `end`, given its
 * {@link nameHash}, found without building a string: in `view` (the text as ASCII bytes) when
 * given, else in `t`.
 */
export function idOfSpan(
  t: string,
  view: DataView | undefined,
  start: number,
  end: number,
  hash: number,
): number {
  const len = end - start;
  if (len === 1) {
    const c = view === undefined ? t.charCodeAt(start) : view.getUint8(start);
    return COMPACT_IDS[c >= 65 && c <= 90 ? c + 32 : c] ?? -1;
  }
  for (
    let slot = hash & (SLOTS - 1), id = BY_HASH[slot]!;
    id >= 0;
    slot = (slot + 1) & (SLOTS - 1), id = BY_HASH[slot]!
  ) {
    const codes = CODES[id]!;
    if (codes.length !== len) continue;
    let same = true;
    if (view !== undefined && len >= 4) {
      const words = WORDS[id]!;
      let i = 0;
      let k = 0;
      for (; i + 4 <= len; i += 4)
        same = same && (view.getUint32(start + i, true) | 0x20202020) >>> 0 === words[k++];
      if (i < len) same = same && (view.getUint32(end - 4, true) | 0x20202020) >>> 0 === words[k];
    } else {
      for (let i = 0; same && i < len; i++) {
        const c = view === undefined ? t.charCodeAt(start + i) : view.getUint8(start + i);
        same = (c >= 65 && c <= 90 ? c + 32 : c) === codes[i];
      }
    }
    if (same) return id;
  }
  return -1;
}
