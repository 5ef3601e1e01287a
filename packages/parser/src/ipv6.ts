/**
 * True when `s`, a text in square brackets, is an IPv6 reference, `"[" IPv6address "]"`, with
 * IPv6address as RFC 3986 section 3.2.2 has it (RFC 5954 puts it in place of RFC 3261's looser
 * grammar, which took `[1]`): eight groups of 1 to 4 hex digits, of which the last two may be a
 * dotted IPv4 address (its numbers unchecked, as RFC 3261 has them), or fewer with one `::`
 * standing for the missing ones. One pass over the characters, nothing allocated: the fast paths
 * call it for every IPv6 host.
 */
export function isIPv6Reference(s: string): boolean {
  const end = s.length - 1;
  let gap = s.charCodeAt(1) === 58 && s.charCodeAt(2) === 58;
  let groups = 0;
  for (let i = gap ? 3 : 1; i < end; ) {
    const start = i;
    for (let c = s.charCodeAt(i); (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 102); )
      c = s.charCodeAt(++i);
    if (s.charCodeAt(i) === 46)
      return /^\d{1,3}(\.\d{1,3}){3}$/.test(s.slice(start, end)) && (gap ? groups < 6 : groups === 6);
    if (i === start || i - start > 4) return false;
    groups++;
    if (i === end) break;
    if (s.charCodeAt(i++) !== 58 || i === end) return false;
    if (s.charCodeAt(i) === 58) {
      if (gap) return false;
      gap = true;
      i++;
    }
  }
  return gap ? groups < 8 : groups === 8;
}
