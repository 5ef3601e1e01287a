import type { NameAddr } from '@sipkit/parser';
import {
  createAsteriskProfile,
  createSipjsProfile,
  createSipkitProfile,
  MIN_REGISTER_GAP_MS,
  Registerer,
  RegistrationError,
} from '@sipkit/registerer';
import { describe, expect, it } from 'vitest';
import {
  challenge,
  echoContact,
  flush,
  ok,
  portsOnly,
  reply,
  settle,
  setup,
  status,
  tick,
} from './helpers.js';

describe('state and events', () => {
  it('emits registering → registered → refreshed, with expiry and next refresh; unsubscribe works', async () => {
    const { reg, sender, clock, changes } = setup('sipkit');
    sender.answer(ok(600), ok(600));
    const result = await reg.register();
    expect(changes.map((c) => [c.previous, c.state, c.reason])).toEqual([
      ['unregistered', 'registering', 'register'],
      ['registering', 'registered', 'registered'],
    ]);
    expect(changes[1]).toMatchObject({ expires: 600, nextAt: 560_000, code: 200 });
    expect(result.refreshAt).toBe(560_000);
    await tick(clock);
    expect(changes[2]).toMatchObject({ previous: 'registered', state: 'registered', reason: 'refreshed' });
    const seen: string[] = [];
    const off = reg.on('state', (c) => seen.push(c.state));
    off();
    reg.dispose();
    expect(seen).toEqual([]);
    expect(reg.state).toBe('stopped');
    expect(clock.pending).toBe(0);
  });

  it('a throwing listener does not break the registerer', async () => {
    const { reg, sender } = setup('sipkit');
    reg.on('state', () => {
      throw new Error('listener bug');
    });
    sender.answer(ok(600));
    await reg.register();
    expect(reg.state).toBe('registered');
    reg.dispose();
  });
});

describe('one request in flight', () => {
  it('register() while a REGISTER is in flight joins it', async () => {
    const { reg, sender } = setup('sipkit');
    sender.answer(() => 'hang');
    const a = reg.register();
    const b = reg.register();
    await flush();
    expect(sender.sent).toHaveLength(1);
    expect(reg.waiting).toBe(true);
    sender.release(ok(600));
    expect((await a).expires).toBe(600);
    expect((await b).expires).toBe(600);
    reg.dispose();
  });

  it('SIP.js 0.21 rejects overlapping calls with REQUEST_PENDING', async () => {
    const { reg, sender } = setup('sipjs');
    sender.answer(() => 'hang');
    const a = reg.register();
    await expect(reg.register()).rejects.toMatchObject({ code: 'REQUEST_PENDING' });
    await expect(reg.unregister()).rejects.toMatchObject({ code: 'REQUEST_PENDING' });
    sender.release(ok(600));
    await a;
    reg.dispose();
  });

  it('unregister() during a REGISTER waits for it, supersedes it, then un-REGISTERs', async () => {
    const { reg, sender, clock } = setup('sipkit');
    sender.answer(() => 'hang', ok(0));
    const r = settle(reg.register());
    await flush();
    const u = reg.unregister();
    await flush();
    expect(sender.sent).toHaveLength(1);
    sender.release(ok(600));
    expect((await r).error?.code).toBe('SUPERSEDED');
    expect((await u).sent).toBe(true);
    expect(sender.sent).toHaveLength(2);
    expect(reg.state).toBe('unregistered');
    expect(clock.pending).toBe(0);
    reg.dispose();
  });

  it('register() during an un-REGISTER runs after it', async () => {
    const { reg, sender } = setup('sipkit');
    sender.answer(ok(600), () => 'hang', ok(600));
    await reg.register();
    const u = reg.unregister();
    await flush();
    const r = reg.register();
    await flush();
    expect(sender.sent).toHaveLength(2);
    sender.release(ok(0));
    await u;
    expect((await r).expires).toBe(600);
    expect(sender.sent).toHaveLength(3);
    reg.dispose();
  });
});

describe('GRUU, Path, Service-Route, outbound', () => {
  it('keeps GRUUs across refreshes and reports Service-Route, Path and Require: outbound', async () => {
    const { reg, sender, clock } = setup('sipkit');
    sender.answer(
      (req) =>
        reply(req, 200, [
          [
            'Contact',
            echoContact(
              req,
              600,
              ';pub-gruu="sip:alice@example.com;gr=urn:uuid:x";temp-gruu="sip:tgruu.1@example.com;gr"',
            ),
          ],
          ['Require', 'outbound'],
          ['Path', '<sip:edge.example.com;lr;ob>'],
          ['Service-Route', '<sip:core.example.com;lr>'],
        ]),
      ok(600),
    );
    const r = await reg.register();
    expect(r.gruu).toEqual({
      pub: 'sip:alice@example.com;gr=urn:uuid:x',
      temp: 'sip:tgruu.1@example.com;gr',
    });
    expect(r.outbound).toBe(true);
    expect(r.path).toEqual(['<sip:edge.example.com;lr;ob>']);
    expect(r.serviceRoute).toEqual(['<sip:core.example.com;lr>']);
    await tick(clock);
    expect(reg.gruu.pub).toBe('sip:alice@example.com;gr=urn:uuid:x');
    reg.dispose();
  });

  it('sipkit: a 439 makes it register again at once without reg-id or Supported: outbound, for good', async () => {
    const { reg, sender, clock } = setup('sipkit', {}, 0);
    sender.answer(status(439, [['Reason', 'SIP;cause=439']]), ok(600), ok(600), status(200));
    expect(reg.outbound).toBe(true);
    const r = await reg.register();
    expect(r.expires).toBe(600);
    const [first, second] = sender.sent;
    expect((first!.contact[0] as NameAddr).regId).toBe(1);
    expect(first!.headers.get('supported')).toBe('path, gruu, outbound');
    expect(sender.times[1]).toBe(sender.times[0]);
    expect(second!.cseq!.seq).toBe(first!.cseq!.seq + 1);
    expect(second!.callId).toBe(first!.callId);
    const contact = second!.contact[0] as NameAddr;
    expect(contact.regId).toBeUndefined();
    expect(contact.instance).toBe((first!.contact[0] as NameAddr).instance);
    expect(second!.headers.get('supported')).toBe('path, gruu');
    expect(reg.outbound).toBe(false);
    // The refresh and the un-REGISTER stay without outbound.
    await tick(clock);
    expect((sender.sent[2]!.contact[0] as NameAddr).regId).toBeUndefined();
    await reg.unregister();
    expect((sender.sent[3]!.contact[0] as NameAddr).regId).toBeUndefined();
    expect(sender.sent).toHaveLength(4);
    reg.dispose();
  });

  it('a 439 is a plain rejection for sipkit without reg-id, for a second 439, and for the other profiles', async () => {
    const cases = [
      ['sipkit', { outbound: false }, [status(439)], 1],
      ['sipkit', {}, [status(439), status(439)], 2],
      ['jssip', {}, [status(439)], 1],
      [createSipjsProfile(), {}, [status(439)], 1],
    ] as const;
    for (const [profile, extra, responders, sent] of cases) {
      const { reg, sender } = setup(profile, extra);
      sender.answer(...responders);
      const r = await settle(reg.register());
      expect(r.error).toBeInstanceOf(RegistrationError);
      expect(sender.sent).toHaveLength(sent);
      reg.dispose();
    }
  });

  it('sipkit matches its binding by +sip.instance/reg-id when the registrar rewrote the URI', async () => {
    const { reg, sender } = setup('sipkit');
    sender.answer((req) => {
      const ours = req.contact[0] as NameAddr;
      const rewritten = `<sip:x@203.0.113.9:4444;transport=ws>;reg-id=1;+sip.instance="<${ours.instance}>";expires=120`;
      return reply(req, 200, [
        ['Contact', '<sip:y@203.0.113.7>;expires=999'],
        ['Contact', rewritten],
      ]);
    });
    expect((await reg.register()).expires).toBe(120);
    reg.dispose();
  });

  it('a public GRUU made of the AOR and our instance id reads back, matches, and yields to another', async () => {
    // Such a GRUU is kept as a flag and rebuilt when read: it must read as the registrar sent it.
    for (const profile of ['sipkit', 'sipjs'] as const) {
      const { reg, sender, clock } = setup(profile, {
        instanceId: 'urn:uuid:0f3c4c3e-8b1e-4d2b-9a51-3c1d2e4f5a6b',
      });
      const pub = 'sip:alice@example.com;gr=urn:uuid:0f3c4c3e-8b1e-4d2b-9a51-3c1d2e4f5a6b';
      const other = 'sip:alice@example.com;gr=elsewhere';
      sender.answer(
        (req) => reply(req, 200, [['Contact', echoContact(req, 600, `;pub-gruu="${pub}"`)]]),
        // SIP.js 0.21 finds its binding by the public GRUU (the Contact URI itself is rewritten).
        (req) =>
          reply(req, 200, [
            ['Contact', profile === 'sipjs' ? `<${pub}>;expires=300` : echoContact(req, 300)],
          ]),
        (req) => reply(req, 200, [['Contact', echoContact(req, 200, `;pub-gruu="${other}"`)]]),
      );
      expect((await reg.register()).gruu).toEqual({ pub });
      await tick(clock);
      expect(reg.expires).toBe(300);
      expect(reg.gruu).toEqual({ pub });
      await tick(clock);
      expect(reg.expires).toBe(200);
      expect(reg.gruu).toEqual({ pub: other });
      reg.dispose();
    }
  });

  it('SIP.js 0.21 matches the public GRUU', async () => {
    const { reg, sender, clock } = setup('sipjs');
    const pub = 'sip:alice@example.com;gr=urn:uuid:x';
    sender.answer(
      (req) => reply(req, 200, [['Contact', echoContact(req, 600, `;pub-gruu="${pub}"`)]]),
      (req) => reply(req, 200, [['Contact', `<${pub}>;expires=300`]]),
    );
    await reg.register();
    await tick(clock);
    expect(reg.expires).toBe(300);
    reg.dispose();
  });
});

describe('reproduced quirks', () => {
  it('SIP.js 0.21: a 2xx without Contact → unregistered and stuck in waiting', async () => {
    const { reg, sender, clock } = setup('sipjs');
    sender.answer(status(200));
    await expect(reg.register()).rejects.toMatchObject({ code: 'NO_BINDING' });
    expect(reg.state).toBe('unregistered');
    expect(reg.waiting).toBe(true);
    await expect(reg.register()).rejects.toMatchObject({ code: 'REQUEST_PENDING' });
    await reg.stop();
    expect(clock.pending).toBe(0);
  });

  it('SIP.js 0.21: a matched Contact without expires gives NaN timers that fire at once (after the minimum gap)', async () => {
    const { reg, sender, clock, changes } = setup('sipjs');
    sender.fallback = (req) => reply(req, 200, [['Contact', echoContact(req)]]);
    await reg.register();
    expect(reg.expires).toBeNaN();
    await tick(clock); // refresh and local expiry both due, held back to MIN_REGISTER_GAP_MS
    expect(clock.now()).toBe(MIN_REGISTER_GAP_MS);
    expect(sender.sent).toHaveLength(2);
    expect(changes.map((c) => c.reason)).toContain('expired');
    // SIP.js loops on the spot; here the loop runs at one REGISTER a second.
    for (let i = 0; i < 5; i++) await tick(clock);
    expect(sender.sent).toHaveLength(7);
    expect(sender.times.slice(1)).toEqual([1, 2, 3, 4, 5, 6].map((n) => n * MIN_REGISTER_GAP_MS));
    reg.dispose();
  });

  it('SIP.js 0.7: a failed refresh keeps registered until the local expiry', async () => {
    const { reg, sender, clock, changes } = setup('sipjs-legacy');
    sender.answer(ok(600), status(500));
    await reg.register();
    await tick(clock);
    expect(reg.state).toBe('registered');
    expect(changes.at(-1)).toMatchObject({ reason: 'failed', code: 500 });
    await tick(clock);
    expect(clock.now()).toBe(600_000);
    expect(reg.state).toBe('unregistered');
    expect(clock.pending).toBe(0);
    reg.dispose();
  });

  it('JsSIP: a refresh 2xx without our binding leaves registered with nothing scheduled', async () => {
    const { reg, sender, clock } = setup('jssip');
    sender.answer(ok(600), (req) => reply(req, 200, [['Contact', '<sip:zz@198.51.100.1>;expires=60']]));
    await reg.register();
    await tick(clock);
    expect(reg.state).toBe('registered');
    expect(clock.pending).toBe(0);
    reg.dispose();
  });

  it('JsSIP: 423 Min-Expires below 10 is raised to 10; From tag trail on REGISTER only', async () => {
    const { reg, sender } = setup('jssip', { fromTagTrail: '-trail' });
    sender.answer(status(423, [['Min-Expires', '5']]), ok(10), ok(0));
    await reg.register();
    expect(sender.sent[1]!.expires).toBe(10);
    expect(sender.sent[1]!.from?.tag).toMatch(/-trail$/);
    await reg.unregister();
    expect(sender.sent[2]!.from?.tag).not.toMatch(/-trail$/);
    reg.dispose();
  });

  it('JsSIP: unregister() while not registered sends nothing', async () => {
    const { reg, sender } = setup('jssip');
    expect(await reg.unregister({ all: true })).toEqual({ sent: false });
    expect(sender.sent).toHaveLength(0);
    reg.dispose();
  });

  it('SIP.js 0.7: unregister({all}) works while unregistered, unregister() does not', async () => {
    const { reg, sender } = setup('sipjs-legacy');
    sender.answer(ok(0));
    expect((await reg.unregister()).sent).toBe(false);
    expect((await reg.unregister({ all: true })).sent).toBe(true);
    expect(sender.sent[0]!.headers.get('contact')).toBe('*');
    reg.dispose();
  });

  it('Asterisk: the 423-driven resend and its auth resend lack Supported; the next timer send has it', async () => {
    const profile = createAsteriskProfile({ supportPath: true, maxRandomInitialDelay: 0 });
    const { reg, sender, clock } = setup(profile, { expires: 300 });
    sender.local = { host: '192.0.2.10', port: 5060, transport: 'udp' };
    sender.answer(status(423, [['Min-Expires', '900']]), challenge(), ok(900), ok(900));
    const done = reg.register();
    await tick(clock);
    await done;
    expect(sender.sent.map((r) => r.headers.get('supported'))).toEqual(['path', undefined, undefined]);
    await tick(clock);
    expect(sender.sent[3]!.headers.get('supported')).toBe('path');
    reg.dispose();
  });

  it('Asterisk: the 423-driven resend carries the global User-Agent and no mediasec; its auth resend has them back', async () => {
    const profile = createAsteriskProfile({ maxRandomInitialDelay: 0 });
    const { reg, sender, clock } = setup(profile, {
      expires: 300,
      userAgent: 'Branch office',
      bareUserAgent: 'Asterisk PBX',
      securityAgreement: { mechanisms: ['sdes-srtp;mediasec'] },
    });
    sender.local = { host: '192.0.2.10', port: 5060, transport: 'udp' };
    sender.answer(status(423, [['Min-Expires', '900']]), challenge(), ok(900), ok(900));
    const done = reg.register();
    await tick(clock);
    await done;
    await tick(clock);
    const seen = sender.sent.map((r) => [r.headers.get('user-agent'), r.headers.get('security-client')]);
    expect(seen).toEqual([
      ['Branch office', 'sdes-srtp;mediasec'], // first REGISTER
      ['Asterisk PBX', undefined], // pjsip's own resend after the 423
      ['Branch office', 'sdes-srtp;mediasec'], // its answer to the challenge, sent through ORC
      ['Branch office', 'sdes-srtp;mediasec'], // the next timer-driven REGISTER
    ]);
    reg.dispose();
  });
});

describe('Asterisk retry policy (ORC decision list)', () => {
  function ast(opts: Parameters<typeof createAsteriskProfile>[0]) {
    const ctx = setup(createAsteriskProfile({ maxRandomInitialDelay: 0, ...opts }));
    ctx.sender.local = { host: '192.0.2.10', port: 5060, transport: 'tcp' };
    return ctx;
  }

  it('temporal failures stop after max_retries retries', async () => {
    const { reg, sender, clock } = ast({ retryInterval: 5, maxRetries: 2 });
    sender.fallback = status(408);
    void settle(reg.register());
    await tick(clock);
    await tick(clock);
    await tick(clock);
    expect(sender.times).toEqual([1000, 6000, 11_000]);
    expect(reg.state).toBe('rejected');
    expect(clock.pending).toBe(0);
    reg.dispose();
  });

  it('Retry-After retries are unbounded and not counted', async () => {
    const { reg, sender, clock } = ast({ maxRetries: 0 });
    sender.answer(status(500, [['Retry-After', '7']]), status(500, [['Retry-After', '7']]), ok(600));
    void settle(reg.register());
    await tick(clock);
    await tick(clock);
    await tick(clock);
    expect(sender.times).toEqual([1000, 8000, 15_000]);
    expect(reg.state).toBe('registered');
    reg.dispose();
  });

  it('6xx is temporal; 404 uses fatal_retry_interval; auth_rejection_permanent=no makes 401 temporal', async () => {
    const a = ast({ retryInterval: 9 });
    a.sender.answer(status(603), ok(600));
    void settle(a.reg.register());
    await tick(a.clock);
    await tick(a.clock);
    expect(a.sender.times[1]! - a.sender.times[0]!).toBe(9000);
    a.reg.dispose();

    const b = ast({ fatalRetryInterval: 50 });
    b.sender.answer(status(404), ok(600));
    void settle(b.reg.register());
    await tick(b.clock);
    expect(b.reg.state).toBe('retry-wait');
    await tick(b.clock);
    expect(b.sender.times[1]! - b.sender.times[0]!).toBe(50_000);
    b.reg.dispose();

    const c = ast({ authRejectionPermanent: false, retryInterval: 11 });
    c.sender.answer(challenge(), challenge({ nonce: 'n2' }), challenge({ nonce: 'n3' }), ok(600));
    void settle(c.reg.register());
    await tick(c.clock);
    expect(c.reg.state).toBe('retry-wait');
    await tick(c.clock);
    expect(c.sender.times[2]! - c.sender.times[0]!).toBe(11_000);
    expect(c.reg.state).toBe('registered');
    c.reg.dispose();
  });

  it('a failed un-REGISTER from unregister() runs the retry policy, and its retry REGISTERs again', async () => {
    const { reg, sender, clock, changes } = ast({ retryInterval: 5 });
    sender.answer(ok(600), status(503), ok(600));
    void settle(reg.register());
    await tick(clock);
    expect(reg.state).toBe('registered');
    const u = await reg.unregister();
    expect(u.response?.status).toBe(503);
    expect(sender.sent[1]!.headers.get('expires')).toBe('0');
    expect(reg.state).toBe('retry-wait');
    expect(changes.at(-1)).toMatchObject({ state: 'retry-wait', reason: 'failed', code: 503 });
    expect(reg.nextAt).toBe(clock.now() + 5000);
    await tick(clock);
    const again = sender.sent[2]!;
    expect(again.headers.get('expires')).toBe(sender.sent[0]!.headers.get('expires'));
    expect(again.headers.get('expires')).not.toBe('0');
    expect(reg.state).toBe('registered');
    reg.dispose();
  });

  it('a failed un-REGISTER with no retry to schedule ends rejected; a 2xx ends unregistered', async () => {
    const afterUnregister = async (final: ReturnType<typeof status>) => {
      const { reg, sender, clock } = ast({});
      sender.answer(ok(600), final);
      void settle(reg.register());
      await tick(clock);
      await reg.unregister();
      const outcome = { state: reg.state, pending: clock.pending };
      reg.dispose();
      return outcome;
    };
    expect(await afterUnregister(status(403))).toEqual({ state: 'rejected', pending: 0 });
    expect(await afterUnregister(status(200))).toEqual({ state: 'unregistered', pending: 0 });
  });

  it("stop()'s un-REGISTER schedules nothing when it fails, nor does an unregister() that stop() waits for", async () => {
    const a = ast({ retryInterval: 5 });
    a.sender.answer(ok(600), status(503));
    void settle(a.reg.register());
    await tick(a.clock);
    await a.reg.stop();
    expect(a.reg.state).toBe('stopped');
    expect(a.changes.map((c) => c.state)).not.toContain('retry-wait');
    expect(a.sender.sent).toHaveLength(2);
    expect(a.clock.pending).toBe(0);

    const b = ast({ retryInterval: 5 });
    b.sender.answer(ok(600), () => 'hang');
    void settle(b.reg.register());
    await tick(b.clock);
    const u = b.reg.unregister();
    await flush();
    const stopped = b.reg.stop();
    b.sender.release(status(503));
    await u;
    await stopped;
    expect(b.reg.state).toBe('stopped');
    expect(b.changes.map((c) => c.state)).not.toContain('retry-wait');
    expect(b.sender.sent).toHaveLength(2);
    expect(b.clock.pending).toBe(0);
  });

  it('the other profiles end unregistered whatever the un-REGISTER gets', async () => {
    for (const profile of ['sipkit', 'jssip', 'sipjs', 'sipjs-legacy'] as const) {
      const { reg, sender, clock } = setup(profile);
      sender.answer(ok(600), status(503));
      await settle(reg.register());
      await flush();
      expect(reg.state, profile).toBe('registered');
      await reg.unregister();
      expect(reg.state, profile).toBe('unregistered');
      expect(clock.pending, profile).toBe(0);
      reg.dispose();
    }
  });

  it('a reliable transport drop: the re-REGISTER goes out as soon as the transport is back, uncounted', async () => {
    const { reg, sender, clock, changes } = ast({});
    sender.fallback = ok(600);
    void settle(reg.register());
    await tick(clock);
    expect(reg.state).toBe('registered');
    reg.onTransportDisconnected();
    await flush();
    // Nothing is sent into a dead connection, and no retry_interval wait is armed for it.
    expect(sender.sent).toHaveLength(1);
    expect(reg.nextAt).toBe(1000 + 590_000);
    clock.advance(2500);
    reg.onTransportConnected();
    await flush();
    expect(sender.times).toEqual([1000, 3500]);
    expect(reg.state).toBe('registered');
    expect(changes.at(-1)).toMatchObject({ reason: 'refreshed', code: 200 });
    // Only once: a later reconnect without a drop while registered sends nothing.
    reg.onTransportConnected();
    await flush();
    expect(sender.sent).toHaveLength(2);
    reg.dispose();
  });

  it('a sender that paces registrations: the re-REGISTER after a reconnect waits for its turn, which ends once settled', async () => {
    const { reg, sender, clock } = ast({});
    const turns: { key: object; begin: () => Promise<unknown> }[] = [];
    Object.assign(sender, {
      admit: (key: object, begin: () => Promise<unknown>) => turns.push({ key, begin }),
    });
    sender.fallback = ok(600);
    void settle(reg.register());
    await tick(clock);
    expect(turns).toHaveLength(0); // register() itself is the caller's to pace
    reg.onTransportDisconnected();
    reg.onTransportConnected();
    await flush();
    expect(sender.sent).toHaveLength(1);
    expect(turns.map((t) => t.key)).toEqual([reg]);
    let settled = false;
    const turn = turns[0]!.begin().then(() => {
      settled = true;
    });
    await flush();
    expect(sender.sent).toHaveLength(2);
    await turn;
    expect(settled).toBe(true);
    expect(reg.state).toBe('registered');
    // A turn that comes after stop() sends nothing and ends at once.
    reg.onTransportDisconnected();
    reg.onTransportConnected();
    await flush();
    await reg.stop();
    const sentAtStop = sender.sent.length;
    await turns[1]!.begin();
    expect(sender.sent).toHaveLength(sentAtStop);
    reg.dispose();
  });

  it('a paced turn that begins while a refresh is in flight ends with its own REGISTER, not the refresh', async () => {
    const { reg, sender, clock } = ast({});
    const turns: (() => Promise<unknown>)[] = [];
    Object.assign(sender, { admit: (_key: object, begin: () => Promise<unknown>) => turns.push(begin) });
    sender.fallback = ok(600);
    void settle(reg.register());
    await tick(clock);
    sender.answer(
      () => 'hang',
      () => 'hang',
    );
    void settle(reg.register()); // a refresh, left in flight
    for (let i = 0; i < 5 && sender.sent.length < 2; i++) await tick(clock);
    expect(sender.sent).toHaveLength(2);
    reg.onTransportDisconnected();
    reg.onTransportConnected();
    await flush();
    let settled = false;
    const turn = turns[0]!().then(() => {
      settled = true;
    });
    await flush();
    sender.release(ok(600)); // the refresh's answer; the turn's own REGISTER goes out after it
    await flush();
    for (let i = 0; i < 5 && sender.sent.length < 3; i++) await tick(clock);
    expect(sender.sent).toHaveLength(3);
    await flush();
    expect(settled).toBe(false); // its REGISTER is still in flight
    sender.release(ok(600));
    await turn;
    expect(reg.state).toBe('registered');
    reg.dispose();
  });

  it('494 without mediasec: REJECTED_TEMPORARY, retries++, a new REGISTER at 0 s (spaced by the minimum gap)', async () => {
    const { reg, sender, clock, changes } = ast({ retryInterval: 5, maxRetries: 1 });
    sender.answer(status(494), status(503), ok(600));
    const first = settle(reg.register());
    await tick(clock);
    expect((await first).error).toMatchObject({ status: 494 });
    expect(changes.at(-1)).toMatchObject({ state: 'retry-wait', code: 494, nextAt: 2000 });
    await tick(clock);
    expect(sender.times).toEqual([1000, 2000]);
    // A new request: new From tag and the next CSeq.
    expect(sender.sent[1]!.from!.tag).not.toBe(sender.sent[0]!.from!.tag);
    // The 494 counted: with max_retries=1 the 503 is then permanent.
    expect(reg.state).toBe('rejected');
    expect(clock.pending).toBe(0);
    reg.dispose();
  });

  it('494 is uncapped: a registrar that always answers 494 gets one REGISTER a second', async () => {
    const { reg, sender, clock } = ast({ maxRetries: 0 });
    sender.fallback = status(494);
    void settle(reg.register());
    for (let i = 0; i < 5; i++) await tick(clock);
    expect(sender.times).toEqual([1000, 2000, 3000, 4000, 5000]);
    expect(reg.state).toBe('retry-wait');
    reg.dispose();
  });

  it('494 with mediasec: a new REGISTER with Security-Verify and without Security-Client', async () => {
    const ctx = setup(createAsteriskProfile({ maxRandomInitialDelay: 0 }), {
      securityAgreement: { mechanisms: ['sdes-srtp;mediasec'] },
    });
    ctx.sender.local = { host: '192.0.2.10', port: 5060, transport: 'udp' };
    ctx.sender.answer(status(494, [['Security-Server', 'sdes-srtp;mediasec;q=0.1']]), ok(600));
    void settle(ctx.reg.register());
    await tick(ctx.clock);
    expect(ctx.sender.sent).toHaveLength(1);
    expect(ctx.reg.state).toBe('retry-wait');
    await tick(ctx.clock);
    const [a, b] = ctx.sender.sent;
    expect(b!.from!.tag).not.toBe(a!.from!.tag);
    expect(b!.cseq!.seq).toBe(a!.cseq!.seq + 1);
    expect(b!.headers.get('security-verify')).toBe('sdes-srtp;mediasec;q=0.1');
    expect(b!.headers.has('security-client')).toBe(false);
    expect(ctx.reg.state).toBe('registered');
    ctx.reg.dispose();
  });

  it('494 to the authenticated REGISTER is non-temporal (fatal path)', async () => {
    const { reg, sender, clock } = ast({});
    sender.answer(challenge(), status(494));
    void settle(reg.register());
    await tick(clock);
    expect(sender.sent).toHaveLength(2);
    expect(reg.state).toBe('rejected');
    expect(clock.pending).toBe(0);
    reg.dispose();
  });

  it('E ≤ 10 refreshes at once, spaced by the minimum gap from the REGISTER before', async () => {
    const { reg, sender, clock } = ast({});
    sender.fallback = ok(5);
    void settle(reg.register());
    await tick(clock);
    await tick(clock);
    await tick(clock);
    expect(sender.times).toEqual([1000, 2000, 3000]);
    reg.dispose();
  });

  it('a disconnect on UDP does nothing; register() again waits the random initial delay', async () => {
    const ctx = setup(createAsteriskProfile({ maxRandomInitialDelay: 10 }), {}, 0);
    ctx.sender.local = { host: '192.0.2.10', port: 5060, transport: 'udp' };
    ctx.sender.fallback = ok(600);
    void settle(ctx.reg.register());
    await tick(ctx.clock);
    ctx.reg.onTransportDisconnected();
    await flush();
    expect(ctx.sender.sent).toHaveLength(1);
    const t = ctx.clock.now();
    void settle(ctx.reg.register());
    await flush();
    expect(ctx.reg.nextAt! - t).toBeGreaterThanOrEqual(1000);
    expect(ctx.reg.nextAt! - t).toBeLessThanOrEqual(10_000);
    ctx.reg.dispose();
  });
});

describe('sipkit policy', () => {
  it('jittered exponential back-off on temporal failures, Retry-After honoured', async () => {
    const { reg, sender, clock } = setup('sipkit', {}, 0);
    sender.answer(status(503), status(408), status(503, [['Retry-After', '45']]), status(500), ok(600));
    void settle(reg.register());
    await flush();
    for (let i = 0; i < 4; i++) await tick(clock);
    const gaps = sender.times.slice(1).map((t, i) => t - sender.times[i]!);
    // 50 % of 30, 60, (Retry-After 45), 50 % of 240 s.
    expect(gaps).toEqual([15_000, 30_000, 45_000, 120_000]);
    expect(reg.state).toBe('registered');
    reg.dispose();
  });

  it('permanent failures stop: 403, rejected credentials, 423 without a larger Min-Expires', async () => {
    for (const [responders, code] of [
      [[status(403)], 'REJECTED'],
      [[challenge(), challenge({ nonce: 'n2' })], 'AUTH_FAILED'],
      [[status(423, [['Min-Expires', '60']])], 'INTERVAL_TOO_BRIEF'],
    ] as const) {
      const { reg, sender, clock } = setup('sipkit');
      sender.answer(...responders);
      const r = await settle(reg.register());
      expect(r.error).toBeInstanceOf(RegistrationError);
      expect(r.error?.code).toBe(code);
      expect(reg.state).toBe('rejected');
      expect(clock.pending).toBe(0);
      reg.dispose();
    }
  });

  it('maxRetries caps the retries', async () => {
    const { reg, sender, clock } = setup(createSipkitProfile({ maxRetries: 1, retryBase: 2 }), {}, 0);
    sender.fallback = status(503);
    void settle(reg.register());
    await flush();
    await tick(clock);
    expect(sender.sent).toHaveLength(2);
    expect(reg.state).toBe('rejected');
    reg.dispose();
  });

  it('a sender that throws counts as a transport error and is retried', async () => {
    const { reg, sender, clock } = setup('sipkit');
    sender.answer(() => 'throw', ok(600));
    const r = await settle(reg.register());
    expect(r.error?.code).toBe('TRANSPORT');
    await tick(clock);
    expect(reg.state).toBe('registered');
    reg.dispose();
  });

  it('re-registers on flow failure and on reconnect with a rebuilt Contact', async () => {
    const { reg, sender } = setup('sipkit');
    sender.fallback = ok(600);
    await reg.register();
    reg.onFlowFailed();
    await flush();
    expect(sender.sent).toHaveLength(2);
    sender.local = { host: 'newhost.invalid', port: 0, transport: 'wss' };
    reg.onTransportConnected();
    await flush();
    expect(sender.sent).toHaveLength(3);
    expect(reg.contact).toContain('newhost.invalid');
    expect(reg.state).toBe('registered');
    reg.dispose();
  });

  it('JsSIP re-registers after a reconnect that happens while the old request is still in flight', async () => {
    const { reg, sender } = setup('jssip');
    sender.answer(ok(600));
    await reg.register();
    reg.onTransportDisconnected();
    expect(reg.state).toBe('unregistered');
    sender.answer(() => 'hang', ok(600));
    const r = settle(reg.register());
    await flush();
    reg.onTransportConnected();
    await flush();
    expect(sender.sent).toHaveLength(2);
    sender.release(status(503));
    expect((await r).error?.code).toBe('REJECTED');
    await flush();
    expect(sender.sent).toHaveLength(3);
    expect(reg.state).toBe('registered');
    reg.dispose();
  });
});

describe('stop and dispose', () => {
  it('stop() waits for the REGISTER in flight, then un-REGISTERs; no timer left', async () => {
    const { reg, sender, clock } = setup('sipkit');
    sender.answer(() => 'hang', ok(0));
    const r = settle(reg.register());
    await flush();
    const stopped = reg.stop();
    sender.release(ok(600));
    await stopped;
    expect((await r).value?.expires).toBe(600);
    expect(sender.sent).toHaveLength(2);
    expect(sender.sent[1]!.expires).toBe(0);
    expect(reg.state).toBe('stopped');
    expect(clock.pending).toBe(0);
    await expect(reg.register()).rejects.toMatchObject({ code: 'STOPPED' });
  });

  it('dispose() during a request: the promise rejects STOPPED and the late response is ignored', async () => {
    const { reg, sender, clock, changes } = setup('sipkit');
    sender.answer(() => 'hang');
    const r = settle(reg.register());
    await flush();
    reg.dispose();
    expect((await r).error?.code).toBe('STOPPED');
    sender.release(ok(600));
    await flush();
    expect(reg.state).toBe('stopped');
    expect(changes.at(-1)?.state).toBe('stopped');
    expect(clock.pending).toBe(0);
  });
});

describe('options', () => {
  it('validates per profile', () => {
    const base = portsOnly();
    expect(() => createSipjsProfile({ refreshFrequency: 40 })).toThrow(RegistrationError);
    expect(() => new Registerer({ ...base, profile: 'asterisk', expires: 0 })).toThrow(/expiration/);
    expect(() => new Registerer({ ...base, profile: 'sipjs-legacy', expires: 0 })).toThrow(RegistrationError);
    expect(() => new Registerer({ ...base, aor: 'tel:+123' })).toThrow(/sip: or sips:/);
    // SIP.js: `expires || 600`.
    const s = new Registerer({ ...base, profile: 'sipjs', expires: 0 });
    expect(s).toBeInstanceOf(Registerer);
  });

  it('extra headers, route set, display name (SIP.js 0.7 puts it in To too) and without authenticator', async () => {
    const { reg, sender } = setup('sipjs-legacy', {
      displayName: 'Alice A',
      extraHeaders: [['X-Test', '1']],
      routeSet: ['<sip:edge.example.com;transport=ws;lr>'],
      authenticator: undefined,
    });
    sender.answer(challenge());
    await expect(reg.register()).rejects.toMatchObject({ code: 'AUTH_FAILED', status: 401 });
    const req = sender.sent[0]!;
    expect(req.headers.get('route')).toBe('<sip:edge.example.com;transport=ws;lr>');
    expect(req.headers.get('x-test')).toBe('1');
    expect(req.to?.displayName).toBe('Alice A');
    expect(req.from?.displayName).toBe('Alice A');
    reg.dispose();
  });

  it('From and To overrides (SIP.js params) replace the AOR, display names and tag in every REGISTER', async () => {
    const { reg, sender } = setup('sipjs', {
      displayName: 'Alice A',
      from: { uri: 'sip:front@example.com', displayName: 'Front Desk', tag: 'fixedtag1' },
      to: { uri: 'sip:desk@example.com', displayName: 'Desk' },
    });
    sender.answer(challenge(), ok(600), ok(600));
    await reg.register();
    await reg.register();
    expect(sender.sent.length).toBe(3);
    for (const req of sender.sent) {
      expect(req.from?.uri.toString()).toBe('sip:front@example.com');
      expect(req.from?.displayName).toBe('Front Desk');
      expect(req.from?.params.get('tag')).toBe('fixedtag1');
      expect(req.to?.uri.toString()).toBe('sip:desk@example.com');
      expect(req.to?.displayName).toBe('Desk');
    }
    reg.dispose();
  });

  it('sipkit profile: a refresh answers the last challenge again (next nc); a fresh non-stale 401 turns that off', async () => {
    const { reg, sender } = setup('sipkit');
    sender.answer(
      challenge(),
      ok(600),
      ok(600),
      challenge({ stale: true, nonce: 'n2' }),
      ok(600),
      ok(600),
      challenge({ nonce: 'n3' }),
      ok(600),
      ok(600),
    );
    const nc = (i: number) => sender.sent[i]!.authorization[0]?.param('nc');
    const nonce = (i: number) => sender.sent[i]!.authorization[0]?.param('nonce');
    await reg.register(); // challenged: 0 bare, 1 answered
    expect(nc(0)).toBeUndefined();
    expect([nonce(1), nc(1)]).toEqual(['n1', '00000001']);
    await reg.register(); // 2: preemptive, accepted
    expect([nonce(2), nc(2)]).toEqual(['n1', '00000002']);
    expect(sender.sent).toHaveLength(3);
    await reg.register(); // 3: preemptive, stale -> 4 answered; still preemptive after
    expect([nonce(3), nonce(4)]).toEqual(['n1', 'n2']);
    await reg.register(); // 5: preemptive on n2
    expect([nonce(5), nc(5)]).toEqual(['n2', '00000002']);
    await reg.register(); // 6: preemptive, fresh challenge (not stale) -> 7 answered
    expect([nonce(6), nonce(7)]).toEqual(['n2', 'n3']);
    await reg.register(); // 8: no longer preemptive
    expect(sender.sent[8]!.authorization).toHaveLength(0);
    reg.dispose();
  });

  it('profiles without preemptive authorization never ask for it', async () => {
    for (const profile of ['jssip', 'sipjs'] as const) {
      const { reg, sender, auth } = setup(profile, { expires: 3600 });
      sender.answer(challenge(), ok(3600), challenge(), ok(3600));
      await reg.register();
      await reg.register();
      expect(auth.last?.nc).toBe(1);
      expect(sender.sent).toHaveLength(4);
      reg.dispose();
    }
  });

  it('mediasec (Asterisk security_negotiation): Security-Client first, Security-Verify after the registrar names its mechanisms, no offer after a 494', async () => {
    const { reg, sender } = setup('sipkit', {
      securityAgreement: { mechanisms: ['sdes-srtp;mediasec;q=0.5', 'msrp-tls;mediasec'] },
    });
    const server: [string, string] = ['Security-Server', 'sdes-srtp;mediasec;q=0.1'];
    sender.answer(
      status(494, [server]),
      status(401, [
        server,
        ['WWW-Authenticate', 'Digest realm="example.com", nonce="n1", qop="auth", algorithm=MD5'],
      ]),
      ok(600),
    );
    await reg.register();
    const security = (i: number) =>
      [...sender.sent[i]!.headers.entries()].filter(([n]) => /^(security-|require|proxy-require)/i.test(n));
    expect(security(0)).toEqual([
      ['Security-Client', 'sdes-srtp;mediasec'],
      ['Security-Client', 'msrp-tls;mediasec'],
      ['Require', 'mediasec'],
      ['Proxy-Require', 'mediasec'],
    ]);
    // Resent at once after the 494: verify, no offer.
    expect(security(1)).toEqual([
      ['Security-Verify', 'sdes-srtp;mediasec;q=0.1'],
      ['Require', 'mediasec'],
      ['Proxy-Require', 'mediasec'],
    ]);
    // The authenticated resend verifies and offers again.
    expect(security(2).map(([n]) => n)).toEqual([
      'Security-Verify',
      'Security-Client',
      'Security-Client',
      'Require',
      'Proxy-Require',
    ]);
    expect(sender.sent[2]!.headers.has('authorization')).toBe(true);
    expect(reg.state).toBe('registered');
    reg.dispose();
  });

  it('mediasec: a registrar that keeps answering 494 ends the attempt after a bounded number of resends', async () => {
    const { reg, sender } = setup('sipkit', { securityAgreement: { mechanisms: ['sdes-srtp;mediasec'] } });
    const answer494 = status(494, [['Security-Server', 'sdes-srtp;mediasec']]);
    sender.answer(answer494, answer494, answer494, answer494, answer494);
    await expect(reg.register()).rejects.toMatchObject({ status: 494 });
    expect(sender.sent).toHaveLength(4);
    reg.dispose();
  });
});

describe('refresh taken over by the application (JsSIP registrationExpiring)', () => {
  it('an observer that takes the refresh gets it instead of a REGISTER; register() refreshes', async () => {
    let due = 0;
    let take = true;
    const observer = {
      registrationChanged: () => {},
      refreshDue: () => {
        due++;
        return take;
      },
    };
    const { reg, sender, clock } = setup('jssip', { observer });
    sender.answer(ok(600));
    await reg.register();
    expect(sender.sent).toHaveLength(1);
    await tick(clock); // the refresh time: handed over, nothing sent
    expect(due).toBe(1);
    expect(sender.sent).toHaveLength(1);
    expect(reg.state).toBe('registered');
    sender.answer(ok(600));
    await reg.register(); // the application refreshes
    expect(sender.sent).toHaveLength(2);
    expect(reg.state).toBe('registered');
    // An observer that declines leaves the refresh to the registerer.
    take = false;
    sender.answer(ok(600));
    await tick(clock);
    await flush();
    expect(due).toBe(2);
    expect(sender.sent).toHaveLength(3);
    reg.dispose();
  });
});

describe('SIP.js instanceIdAlwaysAdded', () => {
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
  const contactOf = async (extra: Parameters<typeof setup>[1]) => {
    const { reg, sender } = setup('sipjs', extra);
    sender.answer(ok(600));
    await reg.register();
    const contact = sender.sent[0]!.headers.get('contact')!;
    reg.dispose();
    return contact;
  };

  it("writes the user agent's instance right after the >, before reg-id and the other parameters", async () => {
    const id = '8f1c7d9e-2b4a-4c3d-9e8f-0a1b2c3d4e5f';
    const contact = await contactOf({
      contact: { instanceAlways: `urn:uuid:${id}`, params: { foo: 'bar' } },
      instanceId: id,
      regId: 1,
    });
    expect(contact).toMatch(
      new RegExp(
        `^<[^>]+>;\\+sip\\.instance="<urn:uuid:${id}>";reg-id=1;\\+sip\\.instance="<urn:uuid:${id}>";foo=bar;expires=600$`,
      ),
    );
  });

  it('without an instance id it takes the registration one, or draws its own', async () => {
    const borrowed = await contactOf({ contact: { instanceAlways: true }, regId: 1 });
    const [, first, second] =
      /^<[^>]+>;\+sip\.instance="<urn:uuid:([^>]+)>";reg-id=1;\+sip\.instance="<urn:uuid:([^>]+)>"/.exec(
        borrowed,
      )!;
    expect(first).toMatch(UUID);
    expect(second).toBe(first);
    const own = await contactOf({ contact: { instanceAlways: true } });
    expect(own).toMatch(/^<[^>]+>;\+sip\.instance="<urn:uuid:[0-9a-f-]{36}>";expires=600$/);
    expect(await contactOf({})).not.toContain('+sip.instance');
  });
});
