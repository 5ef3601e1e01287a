// Appendix A timelines of REGISTRATION-BEHAVIOUR.md on a virtual clock.
import type { NameAddr } from '@sipkit/parser';
import { createAsteriskProfile } from '@sipkit/registerer';
import { describe, expect, it } from 'vitest';
import { challenge, flush, ok, settle, setup, status, tick } from './helpers.js';

/** Effective registration `prov` of A.1 (template reg-tpl + own lines). */
function prov(u = 0) {
  const ctx = setup(
    createAsteriskProfile({ retryInterval: 30, forbiddenRetryInterval: 300, maxRandomInitialDelay: 0 }),
    {
      aor: 'sip:1000@sip.example.com',
      registrar: 'sip:sip.example.com',
      expires: 600,
      contact: { user: '1000', line: true },
    },
    u,
  );
  ctx.sender.local = { host: '192.0.2.10', port: 5060, transport: 'udp' };
  return ctx;
}

describe('A.1 Asterisk timeline', () => {
  it('t=1 s REGISTER, 401, authenticated REGISTER, 200 expires=300, refresh at 290 s, re-challenged', async () => {
    const { reg, sender, clock, changes } = prov();
    sender.answer(challenge(), ok(300), challenge({ nonce: 'n2' }), ok(300));
    const done = settle(reg.register());
    expect(reg.state).toBe('registering');
    expect(changes[0]?.nextAt).toBe(1000);
    await tick(clock);
    expect(sender.times.slice(0, 2)).toEqual([1000, 1000]);
    expect((await done).value?.expires).toBe(300);
    expect(reg.state).toBe('registered');
    expect(changes.at(-1)).toMatchObject({ state: 'registered', expires: 300, nextAt: 1000 + 290_000 });
    await tick(clock);
    expect(sender.times[2]).toBe(291_000);
    const refresh = sender.sent[2]!;
    expect(refresh.from?.tag).not.toBe(sender.sent[0]!.from?.tag);
    expect(refresh.cseq?.seq).toBe(sender.sent[0]!.cseq!.seq + 2);
    expect(refresh.headers.has('authorization')).toBe(false);
    expect(sender.sent[3]!.headers.get('authorization')).toContain('nonce="n2"');
    reg.dispose();
    expect(clock.pending).toBe(0);
  });

  async function failureVariant(first: Parameters<typeof status>[0], headers: [string, string][] = []) {
    const ctx = prov();
    ctx.sender.answer(status(first, headers));
    ctx.sender.fallback = ok(300);
    const done = settle(ctx.reg.register());
    await tick(ctx.clock);
    return { ...ctx, result: await done };
  }

  it('403 → retry in 300 s, retries=1', async () => {
    const { reg, sender, clock, result, changes } = await failureVariant(403);
    expect(result.error?.code).toBe('REJECTED');
    expect(reg.state).toBe('retry-wait');
    expect(changes.at(-1)?.nextAt).toBe(1000 + 300_000);
    await tick(clock);
    expect(sender.times[1]).toBe(301_000);
    expect(reg.state).toBe('registered');
    reg.dispose();
  });

  it('503 without Retry-After → retry in 30 s (temporal, counted)', async () => {
    const { reg, sender, clock, result } = await failureVariant(503);
    expect(result.error?.nextRetryAt).toBe(31_000);
    await tick(clock);
    expect(sender.times[1]).toBe(31_000);
    reg.dispose();
  });

  it('503 + Retry-After: 120 → retry in 120 s, not counted', async () => {
    const { reg, sender, clock, result } = await failureVariant(503, [['Retry-After', '120']]);
    expect(result.error?.nextRetryAt).toBe(121_000);
    await tick(clock);
    expect(sender.times[1]).toBe(121_000);
    reg.dispose();
  });

  it('401 again on the authenticated REGISTER → REJECTED_PERMANENT', async () => {
    const ctx = prov();
    ctx.sender.answer(challenge(), challenge({ nonce: 'n2', stale: true }));
    const done = settle(ctx.reg.register());
    await tick(ctx.clock);
    expect((await done).error?.code).toBe('AUTH_FAILED');
    expect(ctx.reg.state).toBe('rejected');
    expect(ctx.clock.pending).toBe(0);
    ctx.reg.dispose();
  });

  it('404 → REJECTED_PERMANENT', async () => {
    const { reg, clock, result } = await failureVariant(404);
    expect(result.error?.code).toBe('REJECTED');
    expect(reg.state).toBe('rejected');
    expect(clock.pending).toBe(0);
    reg.dispose();
  });

  it('423 Min-Expires: 900 → resent at once with Expires: 900; refreshes keep 900', async () => {
    const { reg, sender, clock } = prov();
    sender.answer(status(423, [['Min-Expires', '900']]), ok(900), ok(900));
    const done = settle(reg.register());
    await tick(clock);
    await done;
    expect(sender.sent[1]!.expires).toBe(900);
    expect(sender.times[1]).toBe(1000);
    await tick(clock);
    expect(sender.times[2]).toBe(1000 + 890_000);
    expect(sender.sent[2]!.expires).toBe(900);
    reg.dispose();
  });
});

describe('A.2 JsSIP timeline', () => {
  it('after 200 expires=600 the refresh fires uniformly in 300..568 s', async () => {
    for (const u of [0, 0.25, 0.5, 0.75]) {
      const { reg, sender, clock } = setup('jssip', {}, u);
      sender.answer(challenge(), ok(600), ok(600));
      await reg.register();
      await tick(clock);
      const dt = sender.times[2]! - sender.times[1]!;
      expect(dt).toBe(300_000 + Math.floor(268 * 1000 * u));
      expect(sender.sent[2]!.cseq?.seq).toBe(3);
      reg.dispose();
    }
  });
});

describe('A.3 SIP.js 0.21 timeline', () => {
  it('refresh at 594 s; an unanswered refresh expires locally at 600 s', async () => {
    const { reg, sender, clock, changes } = setup('sipjs');
    sender.answer(ok(600), () => 'hang');
    await reg.register();
    await tick(clock);
    expect(sender.times[1]).toBe(594_000);
    await tick(clock);
    expect(clock.now()).toBe(600_000);
    expect(reg.state).toBe('unregistered');
    expect(changes.at(-1)?.reason).toBe('expired');
    reg.dispose();
  });
});

describe('A.4 SIP.js 0.7.8 timeline', () => {
  it('refresh at 597 s; expiry at 600 s', async () => {
    const { reg, sender, clock } = setup('sipjs-legacy');
    sender.answer(ok(600), () => 'hang');
    await reg.register();
    expect((sender.sent[0]!.contact[0] as NameAddr).expires).toBe(600);
    await tick(clock);
    expect(sender.times[1]).toBe(597_000);
    await tick(clock);
    expect(clock.now()).toBe(600_000);
    expect(reg.state).toBe('unregistered');
    reg.dispose();
    await flush();
  });
});
