/**
 * Counts the SIP messages a population sends and receives, from wire bytes or text: REGISTERs
 * out, responses in by class (2xx, 401/407, other), keep-alives. Looks at a few leading bytes
 * only, so counting costs next to nothing and keeps no reference to the data.
 */

/** Fresh counters and the `trace(direction, data)` hook that fills them. */
export function createTraffic() {
  const counts = {
    registerOut: 0,
    otherOut: 0,
    keepAliveOut: 0,
    ok: 0,
    challenge: 0,
    failure: 0,
    otherIn: 0,
  };
  const at = (data, i) => (typeof data === 'string' ? data.charCodeAt(i) : data[i]);
  const bytesOf = (data) => (data instanceof ArrayBuffer ? new Uint8Array(data) : data);
  /** A message starts with `SIP/2.0 ` when it is a response. */
  const isResponse = (d) => at(d, 0) === 83 && at(d, 3) === 47 && at(d, 7) === 32; // 'S', '/', ' '
  const trace = (direction, raw) => {
    const data = bytesOf(raw);
    if (direction === 'out') {
      if (at(data, 0) === 82 && at(data, 1) === 69 && at(data, 2) === 71)
        counts.registerOut++; // 'REG'
      else if (at(data, 0) === 13) counts.keepAliveOut++;
      else counts.otherOut++;
      return;
    }
    if (!isResponse(data)) {
      counts.otherIn++;
      return;
    }
    const klass = at(data, 8) - 48;
    const status = klass * 100 + (at(data, 9) - 48) * 10 + (at(data, 10) - 48);
    if (klass === 2) counts.ok++;
    else if (status === 401 || status === 407) counts.challenge++;
    else if (klass >= 3) counts.failure++;
  };
  return { counts, trace, snapshot: () => ({ ...counts }) };
}

/** The counters' growth from `before` to `after`. */
export function trafficDelta(before, after) {
  const out = {};
  for (const k of Object.keys(after)) out[k] = after[k] - before[k];
  return out;
}
