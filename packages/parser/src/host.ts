import { HOST_CHARS } from './escape.js';

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
  // One pass, one table look-up per byte (HOST_KIND); letters and digits go on at once. `seen`
  // collects the kinds (a letter or `-`: no IPv4address), `label` is where the current label
  // starts, `top` where the one before it did.
  let label = p;
  let top = p;
  let dots = 0;
  let seen = 0;
  let i = p;
  for (; i < end; i++) {
    const k = HOST_KIND[b[i]!]!;
    seen |= k;
    if (k > 2) {
      if (k === 16) break;
      // A label starts with a letter or digit, and ends with one.
      if (i === label) return -1 - i;
      if (k === 8) {
        if (b[i - 1] === 45) return -i;
        // A label of more than 3 digits: no IPv4address either.
        if (i - label > 3) seen |= 2;
        dots++;
        top = label;
        label = i + 1;
      }
    }
  }
  if (i === label) {
    // Empty, or a dot closes a hostname (`example.com.`): the label before it is the top one.
    if (i === p) return -1 - i;
    hostWasIPv4 = false;
  } else {
    if (b[i - 1] === 45) return -i;
    top = label;
    hostWasIPv4 = dots === 3 && (seen & 6) === 0 && i - label < 4;
  }
  return hostWasIPv4 || b[top]! > 57 ? i : -1 - top;
}

/** Per byte: 1 a digit, 2 a letter, 4 `-`, 8 `.`, 16 anything else. */
const HOST_KIND = new Uint8Array(256).fill(16);
for (let c = 0; c < 128; c++) if (HOST_CHARS[c]) HOST_KIND[c] = c === 45 ? 4 : c === 46 ? 8 : c < 58 ? 1 : 2;
