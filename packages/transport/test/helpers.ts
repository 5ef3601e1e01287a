import { Headers, parseUri, SipRequest } from '@sipkit/parser';
import type { RandomSource } from '@sipkit/transport';

/**
 * A random source that yields the given numbers in [0, 1) exactly (as `randomUnit` reads them),
 * one per draw, then repeats the last: lets a test choose what `Math.random()` would have said.
 */
export function scriptedRandom(values: number[]): RandomSource & { draws: number } {
  let i = 0;
  const fn = ((length: number) => {
    const u = values[Math.min(i, values.length - 1)]!;
    i++;
    fn.draws = i;
    const n = Math.floor(u * 2 ** 53);
    const hi = Math.floor(n / 2 ** 32);
    const lo = n % 2 ** 32;
    const out = new Uint8Array(length);
    out.set([
      hi >>> 13,
      (hi >>> 5) & 0xff,
      (hi & 0x1f) << 3,
      lo >>> 24,
      (lo >>> 16) & 0xff,
      (lo >>> 8) & 0xff,
      lo & 0xff,
    ]);
    return out;
  }) as RandomSource & { draws: number };
  fn.draws = 0;
  return fn;
}

let seq = 0;

/** A minimal OPTIONS request built with the parser's message model. */
export function optionsRequest(opts: {
  transport: string;
  host: string;
  port: number;
  uri?: string;
  callId?: string;
}): SipRequest {
  seq++;
  const h = new Headers()
    .append(
      'Via',
      `SIP/2.0/${opts.transport} ${opts.host}:${opts.port};branch=z9hG4bK-test-${Date.now()}-${seq};rport`,
    )
    .append('Max-Forwards', '70')
    .append('From', `<sip:alice@example.test>;tag=t${seq}`)
    .append('To', '<sip:example.test>')
    .append('Call-ID', opts.callId ?? `call-${seq}-${Date.now()}@sipkit.test`)
    .append('CSeq', `${seq} OPTIONS`)
    .append('Accept', 'application/sdp');
  return new SipRequest('OPTIONS', parseUri(opts.uri ?? 'sip:example.test'), h);
}

/** Resolves with the next value `subscribe` hands to its listener; rejects after `ms` real milliseconds. */
export function nextEvent<T>(subscribe: (fn: (value: T) => void) => () => void, ms = 5000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no event within ${ms} ms`));
    }, ms);
    const off = subscribe((value) => {
      clearTimeout(timer);
      off();
      resolve(value);
    });
  });
}
