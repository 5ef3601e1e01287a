// One test per row of section 1 of REGISTRATION-BEHAVIOUR.md, for each anchor profile and for
// the sipkit default (the fifth column), each asserted against a scripted registrar.
import type { NameAddr } from '@sipkit/parser';
import type { ProfileName, RegistererOptions } from '@sipkit/registerer';
import { describe, expect, it } from 'vitest';
import { challenge, echoContact, flush, ok, reply, settle, setup, status, tick } from './helpers.js';

type Ctx = ReturnType<typeof setup>;

function make(profile: ProfileName, extra: Partial<RegistererOptions> = {}, u = 0): Ctx {
  const ctx = setup(profile, extra, u);
  if (profile === 'asterisk') ctx.sender.local = { host: '192.0.2.10', port: 5060, transport: 'tcp' };
  return ctx;
}

/** register(), firing Asterisk's initial-delay timer when there is one. */
async function start(ctx: Ctx) {
  const before = ctx.sender.sent.length;
  const p = settle(ctx.reg.register());
  await flush();
  if (ctx.sender.sent.length === before) await tick(ctx.clock);
  return p;
}

function requestedExpiry(ctx: Ctx, i = 0): { header?: number; param?: number } {
  const req = ctx.sender.sent[i]!;
  return { header: req.expires, param: (req.contact[0] as NameAddr).expires };
}

const PROFILES: ProfileName[] = ['asterisk', 'jssip', 'sipjs', 'sipjs-legacy', 'sipkit'];

interface Row {
  defaultExpires: number;
  placement: { header: boolean; param: boolean };
  refreshAt600: [number, number];
  /** Refresh delay when the random draw is 0. */
  refreshU0: number;
  refreshAt30: number;
  localExpiry: boolean;
  retry: { state: string; delay?: [number, number] };
  interval: { resent: number; withoutMinExpires: 'resend-3601' | 'fail' };
  authSends: number;
  algorithms: string[];
  qop: string;
  challenges: string;
  reuseAuthorization: boolean;
  /** The last challenge answered again with the next nonce count (sipkit's own choice). */
  preemptive: boolean;
  fromTag: 'per-request' | 'fixed';
  firstCSeq: number | 'random';
  outbound: 'never' | 'always' | 'when-configured';
  supported: string | undefined;
  contactUser: 's' | 'random';
  contactUri: RegExp;
  unregister: { header: boolean; param: boolean };
  reconnect: { onDisconnect: string; onConnect: boolean };
}

const TABLE: Record<ProfileName, Row> = {
  asterisk: {
    defaultExpires: 3600,
    placement: { header: true, param: false },
    refreshAt600: [590_000, 590_000],
    refreshU0: 590_000,
    refreshAt30: 20_000,
    localExpiry: false,
    retry: { state: 'retry-wait', delay: [60_000, 60_000] },
    interval: { resent: 900, withoutMinExpires: 'resend-3601' },
    authSends: 2,
    algorithms: ['MD5'],
    qop: 'auth',
    challenges: 'first-supported-per-realm',
    reuseAuthorization: false,
    preemptive: false,
    fromTag: 'per-request',
    firstCSeq: 'random',
    outbound: 'never',
    supported: undefined,
    contactUser: 's',
    contactUri: /^sip:s@192\.0\.2\.10:5060$/,
    unregister: { header: true, param: false },
    // The re-REGISTER for the lost connection goes out once the transport is back.
    reconnect: { onDisconnect: 'reregister', onConnect: true },
  },
  jssip: {
    defaultExpires: 600,
    placement: { header: true, param: true },
    refreshAt600: [300_000, 568_000],
    refreshU0: 300_000,
    refreshAt30: 25_000,
    localExpiry: false,
    retry: { state: 'rejected' },
    interval: { resent: 900, withoutMinExpires: 'fail' },
    authSends: 3,
    algorithms: ['MD5'],
    qop: 'auth-int',
    challenges: 'first',
    reuseAuthorization: false,
    preemptive: false,
    fromTag: 'per-request',
    firstCSeq: 1,
    outbound: 'always',
    supported: 'path,gruu,outbound',
    contactUser: 'random',
    contactUri: /^sip:[0-9a-v]{8}@abcdefghijkl\.invalid;transport=ws$/,
    unregister: { header: true, param: true },
    reconnect: { onDisconnect: 'unregistered', onConnect: true },
  },
  sipjs: {
    defaultExpires: 600,
    placement: { header: false, param: true },
    refreshAt600: [594_000, 594_000],
    refreshU0: 594_000,
    refreshAt30: 29_700,
    localExpiry: true,
    retry: { state: 'rejected' },
    interval: { resent: 900, withoutMinExpires: 'fail' },
    authSends: 3,
    algorithms: ['MD5'],
    qop: 'auth',
    challenges: 'first',
    reuseAuthorization: true,
    preemptive: false,
    fromTag: 'fixed',
    firstCSeq: 2,
    outbound: 'when-configured',
    supported: 'outbound, path, gruu',
    contactUser: 'random',
    contactUri: /^sip:[0-9a-v]{8}@abcdefghijkl\.invalid;transport=ws$/,
    unregister: { header: false, param: true },
    reconnect: { onDisconnect: 'ignore', onConnect: false },
  },
  'sipjs-legacy': {
    defaultExpires: 600,
    placement: { header: false, param: true },
    refreshAt600: [597_000, 597_000],
    refreshU0: 597_000,
    refreshAt30: 27_000,
    localExpiry: true,
    retry: { state: 'rejected' },
    interval: { resent: 900, withoutMinExpires: 'fail' },
    authSends: 3,
    algorithms: ['MD5'],
    qop: 'auth',
    challenges: 'first',
    reuseAuthorization: true,
    preemptive: false,
    fromTag: 'fixed',
    firstCSeq: 81,
    outbound: 'always',
    supported: 'path, gruu, outbound',
    contactUser: 'random',
    contactUri: /^sip:[0-9a-v]{8}@abcdefghijkl\.invalid;transport=ws$/,
    unregister: { header: false, param: true },
    reconnect: { onDisconnect: 'unregistered', onConnect: true },
  },
  sipkit: {
    defaultExpires: 600,
    placement: { header: true, param: true },
    refreshAt600: [532_000, 560_000],
    refreshU0: 560_000,
    refreshAt30: 15_000,
    localExpiry: true,
    retry: { state: 'retry-wait', delay: [15_000, 30_000] },
    interval: { resent: 900, withoutMinExpires: 'fail' },
    authSends: 3,
    algorithms: ['SHA-512-256', 'SHA-512-256-sess', 'SHA-256', 'SHA-256-sess', 'MD5', 'MD5-sess'],
    qop: 'auth',
    challenges: 'first-supported-per-realm',
    reuseAuthorization: false,
    preemptive: true,
    fromTag: 'fixed',
    firstCSeq: 1,
    outbound: 'always',
    supported: 'path, gruu, outbound',
    contactUser: 'random',
    contactUri: /^sip:[0-9a-v]{8}@abcdefghijkl\.invalid;transport=wss$/,
    unregister: { header: true, param: true },
    reconnect: { onDisconnect: 'ignore', onConnect: true },
  },
};

describe.each(PROFILES)('section 1 table, profile %s', (profile) => {
  const row = TABLE[profile];

  it('default expires', async () => {
    const ctx = make(profile);
    ctx.sender.answer(ok(600));
    await start(ctx);
    const e = requestedExpiry(ctx);
    expect(e.header ?? e.param).toBe(row.defaultExpires);
    ctx.reg.dispose();
  });

  it('where expires goes in the REGISTER', async () => {
    const ctx = make(profile, { expires: 300 });
    ctx.sender.answer(ok(300));
    await start(ctx);
    const e = requestedExpiry(ctx);
    expect(e.header !== undefined).toBe(row.placement.header);
    expect(e.param !== undefined).toBe(row.placement.param);
    if (e.header !== undefined) expect(e.header).toBe(300);
    if (e.param !== undefined) expect(e.param).toBe(300);
    ctx.reg.dispose();
    if (profile === 'jssip') {
      // JsSIP: register_expires=0 sends neither.
      const z = make(profile, { expires: 0 });
      z.sender.answer(ok(600));
      await start(z);
      expect(requestedExpiry(z)).toEqual({ header: undefined, param: undefined });
      z.reg.dispose();
    }
  });

  it('refresh time after a 2xx', async () => {
    for (const u of [0, 0.999999]) {
      const ctx = make(profile, { expires: 600 }, u);
      ctx.sender.answer(ok(600), ok(600));
      await start(ctx);
      const t0 = ctx.sender.times[0]!;
      await tick(ctx.clock);
      const dt = ctx.sender.times[1]! - t0;
      expect(dt).toBeGreaterThanOrEqual(row.refreshAt600[0]);
      expect(dt).toBeLessThanOrEqual(row.refreshAt600[1]);
      if (u === 0) expect(dt).toBe(row.refreshU0);
      ctx.reg.dispose();
    }
    // A short expiry (30 s; JsSIP uses E−5 below 64 s).
    const ctx = make(profile, { expires: 600 });
    ctx.sender.answer(ok(30), ok(30));
    await start(ctx);
    const t0 = ctx.sender.times[0]!;
    await tick(ctx.clock);
    expect(ctx.sender.times[1]! - t0).toBe(row.refreshAt30);
    ctx.reg.dispose();
  });

  it('local "expired" timer', async () => {
    const ctx = make(profile);
    ctx.sender.answer(ok(600), () => 'hang');
    await start(ctx);
    const t0 = ctx.sender.times[0]!;
    await tick(ctx.clock); // the refresh goes out and is never answered
    ctx.clock.advance(t0 + 600_000 - ctx.clock.now());
    await flush();
    if (row.localExpiry) {
      expect(ctx.reg.state).toBe('unregistered');
      expect(ctx.changes.at(-1)?.reason).toBe('expired');
    } else {
      expect(ctx.reg.state).toBe('registered');
    }
    ctx.reg.dispose();
  });

  it('automatic retry after a failure', async () => {
    const ctx = make(profile, {}, 0.5);
    ctx.sender.answer(status(503), ok(600));
    const r = await start(ctx);
    expect(r.error?.code).toBe('REJECTED');
    expect(ctx.reg.state).toBe(row.retry.state);
    if (row.retry.delay) {
      const t0 = ctx.sender.times[0]!;
      await tick(ctx.clock);
      const dt = ctx.sender.times[1]! - t0;
      expect(dt).toBeGreaterThanOrEqual(row.retry.delay[0]);
      expect(dt).toBeLessThanOrEqual(row.retry.delay[1]);
      expect(ctx.reg.state).toBe('registered');
    } else {
      expect(ctx.clock.pending).toBe(0);
      expect(ctx.sender.sent).toHaveLength(1);
    }
    ctx.reg.dispose();
  });

  it('423 Interval Too Brief', async () => {
    const ctx = make(profile, { expires: 300 });
    ctx.sender.answer(status(423, [['Min-Expires', '900']]), ok(900));
    await start(ctx);
    expect(ctx.sender.sent).toHaveLength(2);
    expect(ctx.sender.times[1]).toBe(ctx.sender.times[0]);
    const e = requestedExpiry(ctx, 1);
    expect(e.header ?? e.param).toBe(row.interval.resent);
    expect(ctx.reg.state).toBe('registered');
    ctx.reg.dispose();

    // Without Min-Expires.
    const bare = make(profile, { expires: 300 });
    bare.sender.answer(status(423), status(423), ok(3601));
    const r = await start(bare);
    if (row.interval.withoutMinExpires === 'resend-3601') {
      expect(bare.sender.sent).toHaveLength(2);
      expect(requestedExpiry(bare, 1).header).toBe(3601);
      expect(r.error?.code).toBe('INTERVAL_TOO_BRIEF'); // the second 423 is fatal
    } else {
      expect(bare.sender.sent).toHaveLength(1);
      expect(r.error?.code).toBe('INTERVAL_TOO_BRIEF');
    }
    expect(bare.reg.state).toBe('rejected');
    bare.reg.dispose();
  });

  it('authenticated attempts per challenged REGISTER (stale=true included)', async () => {
    const ctx = make(profile);
    ctx.sender.answer(
      challenge({ nonce: 'a' }),
      challenge({ nonce: 'b', stale: true }),
      challenge({ nonce: 'c', stale: true }),
    );
    const r = await start(ctx);
    expect(ctx.sender.sent).toHaveLength(row.authSends);
    expect(r.error?.code).toBe('AUTH_FAILED');
    ctx.reg.dispose();
    // A plain second challenge is a rejection everywhere.
    const two = make(profile);
    two.sender.answer(challenge({ nonce: 'a' }), challenge({ nonce: 'b' }));
    expect((await start(two)).error?.code).toBe('AUTH_FAILED');
    expect(two.sender.sent).toHaveLength(2);
    two.reg.dispose();
  });

  it('digest algorithms, qop and challenge headers (the policy handed to the digest client)', async () => {
    const ctx = make(profile);
    ctx.sender.answer(challenge(), ok(600));
    await start(ctx);
    const policy = ctx.auth.policies[0]!;
    expect(policy.algorithms).toEqual(row.algorithms);
    expect(policy.qop[0]).toBe(row.qop);
    expect(policy.challenges).toBe(row.challenges);
    ctx.reg.dispose();
  });

  it('Authorization on refreshes', async () => {
    const ctx = make(profile);
    ctx.sender.answer(challenge(), ok(600), challenge({ nonce: 'n2' }), ok(600));
    await start(ctx);
    await tick(ctx.clock);
    const refresh = ctx.sender.sent[2]!;
    expect(refresh.headers.has('authorization')).toBe(row.reuseAuthorization || row.preemptive);
    if (row.reuseAuthorization) {
      expect(refresh.headers.get('authorization')).toBe(ctx.sender.sent[1]!.headers.get('authorization'));
    }
    if (row.preemptive) {
      expect(refresh.authorization[0]?.param('nonce')).toBe('n1');
      expect(refresh.authorization[0]?.param('nc')).toBe('00000002');
    }
    // The re-challenged refresh is answered with the new nonce.
    expect(ctx.sender.sent[3]!.headers.get('authorization')).toContain('nonce="n2"');
    ctx.reg.dispose();
  });

  it('Call-ID is fixed', async () => {
    const ctx = make(profile);
    ctx.sender.answer(challenge(), ok(600), ok(600), ok(600));
    await start(ctx);
    await tick(ctx.clock);
    await ctx.reg.unregister();
    const ids = new Set(ctx.sender.sent.map((r) => r.callId));
    expect(ids.size).toBe(1);
    expect(ctx.reg.callId).toBe(ctx.sender.sent[0]!.callId);
    ctx.reg.dispose();
  });

  it('From tag', async () => {
    const ctx = make(profile);
    ctx.sender.answer(challenge(), ok(600), ok(600));
    await start(ctx);
    await tick(ctx.clock);
    const [a, b, c] = ctx.sender.sent.map((r) => r.from?.tag);
    expect(b).toBe(a); // the auth resend keeps it
    if (row.fromTag === 'per-request') expect(c).not.toBe(a);
    else expect(c).toBe(a);
    ctx.reg.dispose();
  });

  it('first CSeq, +1 per request', async () => {
    const ctx = make(profile);
    ctx.sender.answer(challenge(), ok(600), ok(600));
    await start(ctx);
    await tick(ctx.clock);
    const seqs = ctx.sender.sent.map((r) => r.cseq!.seq);
    if (row.firstCSeq === 'random') {
      expect(seqs[0]).toBeGreaterThanOrEqual(1);
      expect(seqs[0]).toBeLessThanOrEqual(65535);
    } else {
      expect(seqs[0]).toBe(row.firstCSeq);
    }
    expect(seqs).toEqual([seqs[0]!, seqs[0]! + 1, seqs[0]! + 2]);
    ctx.reg.dispose();
  });

  it('reg-id / +sip.instance', async () => {
    const plain = make(profile);
    plain.sender.answer(ok(600));
    await start(plain);
    const c = plain.sender.sent[0]!.contact[0] as NameAddr;
    const withId = make(profile, { instanceId: '11111111-2222-4333-8444-555555555555' });
    withId.sender.answer(ok(600));
    await start(withId);
    const d = withId.sender.sent[0]!.contact[0] as NameAddr;
    switch (row.outbound) {
      case 'never':
        expect(c.regId).toBeUndefined();
        expect(d.instance).toBeUndefined();
        break;
      case 'always':
        expect(c.regId).toBe(1);
        expect(c.instance).toMatch(/^urn:uuid:/);
        expect(d.instance).toBe('urn:uuid:11111111-2222-4333-8444-555555555555');
        break;
      case 'when-configured':
        expect(c.regId).toBeUndefined();
        expect(c.instance).toBeUndefined();
        expect(d.regId).toBe(1);
        expect(d.instance).toBe('urn:uuid:11111111-2222-4333-8444-555555555555');
        break;
    }
    plain.reg.dispose();
    withId.reg.dispose();
  });

  it('Supported on REGISTER', async () => {
    const ctx = make(profile);
    ctx.sender.answer(ok(600));
    await start(ctx);
    expect(ctx.sender.sent[0]!.headers.get('supported')).toBe(row.supported);
    ctx.reg.dispose();
    if (profile === 'asterisk') {
      const on = make(profile, { path: true, outbound: true });
      on.sender.answer(ok(600));
      await start(on);
      expect(on.sender.sent[0]!.headers.get('supported')).toBe('path, outbound');
      // support_outbound adds nothing else.
      expect((on.sender.sent[0]!.contact[0] as NameAddr).regId).toBeUndefined();
      on.reg.dispose();
    }
  });

  it('Contact user and host', async () => {
    const ctx = make(profile);
    ctx.sender.answer(ok(600));
    await start(ctx);
    const uri = (ctx.sender.sent[0]!.contact[0] as NameAddr).uri.toString();
    expect(uri).toMatch(row.contactUri);
    ctx.reg.dispose();
    const named = make(profile, { contact: { user: 'bob' } });
    named.sender.answer(ok(600));
    await start(named);
    expect((named.sender.sent[0]!.contact[0] as NameAddr).uri.toString()).toMatch(/^sip:bob@/);
    named.reg.dispose();
  });

  it('unregister: one binding, and all', async () => {
    const ctx = make(profile);
    ctx.sender.answer(ok(600), ok(0), ok(600), status(200));
    await start(ctx);
    const res = await ctx.reg.unregister();
    expect(res.sent).toBe(true);
    expect(ctx.reg.state).toBe('unregistered');
    const un = ctx.sender.sent[1]!;
    const c = un.contact[0] as NameAddr;
    expect(c.uri.toString()).toBe((ctx.sender.sent[0]!.contact[0] as NameAddr).uri.toString());
    expect(un.expires !== undefined).toBe(row.unregister.header);
    if (row.unregister.header) expect(un.expires).toBe(0);
    expect(c.expires !== undefined).toBe(row.unregister.param);
    if (row.unregister.param) expect(c.expires).toBe(0);
    expect(ctx.clock.pending).toBe(0);
    // Contact: * with Expires: 0 (JsSIP only while registered).
    await start(ctx);
    await ctx.reg.unregister({ all: true });
    const star = ctx.sender.last;
    expect(star.headers.get('contact')).toBe('*');
    expect(star.expires).toBe(0);
    ctx.reg.dispose();
  });

  it('unregister on shutdown', async () => {
    const ctx = make(profile);
    ctx.sender.answer(ok(600), ok(0));
    await start(ctx);
    await ctx.reg.stop();
    expect(ctx.sender.sent).toHaveLength(2);
    const un = ctx.sender.sent[1]!;
    const c = un.contact[0] as NameAddr;
    expect(un.expires === 0 || c.expires === 0).toBe(true);
    expect(ctx.reg.state).toBe('stopped');
    expect(ctx.clock.pending).toBe(0);
  });

  it('re-register when the connection drops', async () => {
    const ctx = make(profile);
    ctx.sender.answer(ok(600), ok(600), ok(600));
    await start(ctx);
    ctx.reg.onTransportDisconnected();
    await flush();
    switch (row.reconnect.onDisconnect) {
      case 'reregister':
        // Not while the transport is down: the re-REGISTER waits for the reconnect.
        expect(ctx.sender.sent).toHaveLength(1);
        expect(ctx.reg.state).toBe('registered');
        break;
      case 'unregistered':
        expect(ctx.reg.state).toBe('unregistered');
        expect(ctx.clock.pending).toBe(0);
        break;
      case 'ignore':
        expect(ctx.reg.state).toBe('registered');
        expect(ctx.sender.sent).toHaveLength(1);
        break;
    }
    const before = ctx.sender.sent.length;
    ctx.reg.onTransportConnected();
    await flush();
    expect(ctx.sender.sent.length - before).toBe(row.reconnect.onConnect ? 1 : 0);
    if (row.reconnect.onConnect) expect(ctx.reg.state).toBe('registered');
    ctx.reg.dispose();
  });
});

describe('granted expiry: Contact param, Expires header, configured value', () => {
  it('a matched Contact without expires, Expires: 100', async () => {
    const expected: Record<ProfileName, number> = {
      asterisk: 100, // pjsip: header
      jssip: 100, // param → header
      sipjs: Number.NaN, // quirk: Number(undefined)
      'sipjs-legacy': 600, // the header is overwritten by the missing param → configured value
      sipkit: 100,
    };
    for (const profile of PROFILES) {
      const ctx = make(profile, { expires: 600 });
      ctx.sender.answer((req) =>
        reply(req, 200, [
          ['Contact', '<sip:other@198.51.100.1>;expires=50'],
          ['Contact', echoContact(req)],
          ['Expires', '100'],
        ]),
      );
      await start(ctx);
      expect(ctx.reg.expires).toBe(expected[profile]);
      ctx.reg.dispose();
    }
  });

  it('a 2xx that lists only a foreign binding', async () => {
    const expected: Record<ProfileName, number | 'NO_BINDING'> = {
      asterisk: 50, // one Contact with expires: taken
      jssip: 'NO_BINDING',
      sipjs: 'NO_BINDING',
      'sipjs-legacy': 'NO_BINDING',
      sipkit: 50,
    };
    for (const profile of PROFILES) {
      const ctx = make(profile, { expires: 600 });
      ctx.sender.answer((req) =>
        reply(req, 200, [
          ['Contact', '<sip:other@198.51.100.1>;expires=50'],
          ['Expires', '100'],
        ]),
      );
      const r = await start(ctx);
      if (expected[profile] === 'NO_BINDING') {
        expect(r.error?.code).toBe('NO_BINDING');
        expect(ctx.reg.state).toBe('unregistered');
        expect(ctx.clock.pending).toBe(0);
      } else {
        expect(r.value?.expires).toBe(expected[profile]);
        expect(ctx.reg.state).toBe('registered');
      }
      ctx.reg.dispose();
    }
  });
});
