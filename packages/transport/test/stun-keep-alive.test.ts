import { VirtualClock } from '@sipkit/transport';
import { parseStun, StunKeepAlive, stunBindingSuccess } from '@sipkit/transport/node';
import { describe, expect, it } from 'vitest';

/** Every draw zero: each wait is exactly 80 % of the interval, and ids are all zero. */
const zeros = (n: number) => new Uint8Array(n);

/** A StunKeepAlive on the virtual clock, recording when each request went out. */
function rig(seconds: number) {
  const clock = new VirtualClock();
  const sent: number[] = [];
  const failures: string[] = [];
  let last: Uint8Array | undefined;
  const ka = new StunKeepAlive(
    {
      send: (bytes) => {
        sent.push(clock.now());
        last = bytes;
      },
      onFailure: (reason) => failures.push(reason),
    },
    { seconds, clock, random: zeros },
  );
  /** The success response to the last request, from `port` as the mapped port. */
  const answer = (port = 5060) =>
    parseStun(stunBindingSuccess(parseStun(last!).transactionId, { host: '192.0.2.1', port }));
  return { clock, sent, failures, ka, answer };
}

describe('StunKeepAlive', () => {
  it('takes a new Flow-Timer while waiting: the next request is 80 % of it from now', () => {
    const { clock, sent, ka } = rig(10);
    ka.start();
    clock.advance(5_000);
    ka.setFlowTimer(5);
    expect(ka.interval).toBe(5_000);
    clock.advance(3_999);
    expect(sent).toEqual([]);
    clock.advance(1);
    expect(sent).toEqual([9_000]);
  });

  it('treats the interval in use as no change: the wait under way goes on', () => {
    const { clock, sent, ka } = rig(10);
    ka.start();
    clock.advance(5_000);
    ka.setFlowTimer(10);
    clock.advance(3_000);
    expect(sent).toEqual([8_000]);
  });

  it('leaves a request awaiting its response alone, and waits the new interval after it', () => {
    const { clock, sent, ka, answer } = rig(10);
    ka.start();
    clock.advance(8_000);
    ka.setFlowTimer(20);
    clock.advance(500);
    expect(sent).toEqual([8_000, 8_500]); // the retransmission went out on time
    expect(ka.responseReceived(answer())).toBe(true);
    clock.advance(16_000);
    expect(sent).toEqual([8_000, 8_500, 24_500]); // 80 % of 20 s after the response
  });

  it('counts a success response with an unknown comprehension-required attribute as a failed flow', () => {
    // RFC 5389 section 7.3.3: such a response is discarded and its transaction has failed.
    const { clock, failures, ka, answer } = rig(10);
    ka.start();
    clock.advance(8_000);
    expect(ka.responseReceived({ ...answer(), unknown: [0x0024] })).toBe(false);
    expect(failures).toEqual(['STUN Binding response with unknown comprehension-required attributes']);
    expect(ka.active).toBe(false);
    expect(clock.pending).toBe(0);
  });

  it('rejects a Flow-Timer that is not above 0', () => {
    const { ka } = rig(10);
    expect(() => ka.setFlowTimer(0)).toThrow(RangeError);
    expect(() => ka.setFlowTimer(Number.NaN)).toThrow(RangeError);
  });

  it('says which responses confirmed the flow: not a stray one, not a moved mapping', () => {
    const { clock, failures, ka, answer } = rig(10);
    ka.start();
    clock.advance(8_000);
    const first = answer();
    expect(ka.responseReceived(first)).toBe(true);
    expect(ka.responseReceived(first)).toBe(false); // a duplicate: nothing awaits it now
    clock.advance(8_000);
    const stray = { ...answer(), transactionId: new Uint8Array(12).fill(9) };
    expect(ka.responseReceived(stray)).toBe(false);
    expect(ka.responseReceived(answer(5061))).toBe(false);
    expect(failures).toEqual(['STUN mapped address changed from 192.0.2.1:5060 to 192.0.2.1:5061']);
    expect(ka.active).toBe(false);
  });
});
