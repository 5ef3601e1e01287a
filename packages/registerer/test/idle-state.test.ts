import { parseUri, type SipUri } from '@sipkit/parser';
import type { StateChange } from '@sipkit/registerer';
import { describe, expect, it } from 'vitest';
import { flush, lines, ok, setup, status, tick } from './helpers.js';

describe('an idle registerer', () => {
  it('tells its observer of every change before the state listeners', async () => {
    const calls: string[] = [];
    const { reg, sender } = setup('sipkit', {
      observer: { registrationChanged: (c: StateChange) => calls.push(`observer:${c.state}`) },
    });
    reg.on('state', (c) => calls.push(`listener:${c.state}`));
    sender.answer(ok(600));
    await reg.register();
    expect(calls).toEqual([
      'observer:registering',
      'listener:registering',
      'observer:registered',
      'listener:registered',
    ]);
  });

  it('a listener added twice is called once; unsubscribing stops it', async () => {
    const { reg, sender } = setup('sipkit');
    const seen: string[] = [];
    const listener = (c: StateChange) => seen.push(c.state);
    const off = reg.on('state', listener);
    reg.on('state', listener);
    sender.answer(ok(600), ok(600));
    await reg.register();
    expect(seen).toEqual(['registering', 'registered']);
    off();
    await reg.register();
    expect(seen).toEqual(['registering', 'registered']);
  });

  it('exposes its Contact user and Asterisk line value', async () => {
    const random = setup('sipkit');
    expect(random.reg.contactUser).toMatch(/^\w+$/);
    expect(random.reg.line).toBeUndefined();
    const { reg, sender, clock } = setup('asterisk', { contact: { user: 'bot7', line: true } });
    expect(reg.contactUser).toBe('bot7');
    expect(reg.line).toMatch(/^[a-z]{7}$/);
    sender.answer(ok(600));
    const registered = reg.register();
    await tick(clock); // Asterisk waits 1 s or more before the first REGISTER
    await registered;
    expect(reg.contact).toMatch(new RegExp(`^sip:bot7@.*;line=${reg.line}`));
  });

  it('runs refresh and local expiry on one clock timer, in time order', async () => {
    // SIP.js 0.7: refresh 3 s before the granted expiry, and a local expiry timer at it.
    const { reg, sender, clock, changes } = setup('sipjs-legacy');
    sender.answer(ok(60));
    await reg.register();
    expect(clock.pending).toBe(1);
    expect(reg.nextAt).toBe(57_000);
    sender.answer(status(503)); // the refresh fails; the binding lapses at 60 s
    await tick(clock);
    expect(clock.now()).toBe(57_000);
    expect(reg.state).toBe('registered');
    expect(clock.pending).toBe(1);
    await tick(clock);
    expect(clock.now()).toBe(60_000);
    expect(changes.at(-1)).toMatchObject({ state: 'unregistered', reason: 'expired' });
    expect(clock.pending).toBe(0);
    await flush();
  });

  it('writes an AOR given as text in its serialised form, as one given parsed', async () => {
    // The text is kept rather than the parsed URI: From and To must not change by it.
    const fromTo = async (aor: string | SipUri) => {
      const { reg, sender } = setup('sipkit', { aor });
      sender.answer(ok(600), ok(600));
      await reg.register();
      await reg.register();
      return sender.sent.map((r) => lines(r).filter((l) => /^(From|To):/.test(l)));
    };
    const text = 'SIP:%61lice@example.com:05060';
    const written = await fromTo(text);
    expect(written[0]).toEqual([
      expect.stringMatching(/^From: <sip:alice@example\.com:5060>;tag=/),
      'To: <sip:alice@example.com:5060>',
    ]);
    expect(written[1]).toEqual(written[0]);
    expect(await fromTo(parseUri(text) as SipUri)).toEqual(written);
  });
});
