/** True when the last {@link hostEnd} that took a host took an IPv4address. */
export let hostWasIPv4 = false;

/**
 * Where the host from `p` in `b` ends (at `end` at the latest): the end of the run of letters,
 * digits, `-` and `.` when that run is an RFC 3261 `hostname` or `IPv4address`, otherwise
 * `-1 - i` for the index `i` where it stops being one. A hostname's labels start and end with a
 * letter or digit, its last one (`toplabel`) starts with a letter, and a dot may end it; four
 * numbers of 1 to 3 digits are an IPv4address whatever their values (`999.1.1.1` included, as the
 * grammar has it). `1.2.3` and `host.123` are neither. Read from bytes, as the fast paths read.
 */
export function hostEnd(b: Uint8Array, p: number, end: number): number {
  // One pass: the kind of the last character (4 at a label's start), the digits in the current
  // label (9 and up once it holds anything else), numeric labels before it (-1 once one was not).
  let last = 4;
  let digits = 0;
  let quads = 0;
  let top = p;
  let i = p;
  for (; i < end; i++) {
    const k = KIND[b[i]!];
    if (k === 1) digits++;
    else if (k === 2) digits = 9;
    else if (k === 3) {
      // A label starts with a letter or digit.
      if (last === 4) return -1 - i;
      digits = 9;
    } else if (k === 4) {
      // A label ends with one: not empty, not `-`.
      if (last >= 3) return last === 3 ? -i : -1 - i;
      quads = quads >= 0 && digits <= 3 ? quads + 1 : -1;
      digits = 0;
      top = i + 1;
    } else break;
    last = k;
  }
  if (last >= 3) {
    // The end right after a dot that closes a hostname (`example.com.`): the label before it is the top one.
    if (last === 3 || i === p) return last === 3 ? -i : -1 - i;
    top = i - 1;
    while (top > p && b[top - 1] !== 46) top--;
  }
  hostWasIPv4 = last < 3 && quads === 3 && digits <= 3;
  return hostWasIPv4 || KIND[b[top]!] === 2 ? i : -1 - top;
}

/** Per byte: 1 a digit, 2 a letter, 3 `-`, 4 `.`, 0 anything else. */
const KIND = new Uint8Array(256);
for (let c = 0; c < 128; c++)
  KIND[c] = (c - 48) >>> 0 < 10 ? 1 : ((c | 32) - 97) >>> 0 < 26 ? 2 : c === 45 ? 3 : c === 46 ? 4 : 0;
