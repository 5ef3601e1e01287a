import { Registerer as NamedRegisterer, RegistrationError } from '@sipkit/registerer';
import {
  asteriskProfile,
  jssipProfile,
  Registerer,
  type RegistrationProfile,
  sipkitProfile,
} from '@sipkit/registerer/core';
import { VirtualClock } from '@sipkit/transport';
import { describe, expect, it } from 'vitest';
import { FakeSender, lines, ok, portsOnly, testRandom } from './helpers.js';

/** The first REGISTER a registerer sends, as header lines. */
async function firstRegister(make: (base: ConstructorParameters<typeof Registerer>[0]) => Registerer) {
  const clock = new VirtualClock();
  const sender = new FakeSender(clock);
  sender.answer(ok(600));
  const reg = make({ aor: 'sip:alice@example.com', clock, random: testRandom().random, sender });
  await reg.register();
  return { reg, lines: lines(sender.sent[0]!) };
}

describe('@sipkit/registerer/core', () => {
  it('defaults to the sipkit profile', async () => {
    const { reg } = await firstRegister((base) => new Registerer(base));
    expect(reg.profile).toBe(sipkitProfile);
  });

  it('runs the profile object it is given, as the named Registerer runs that name', async () => {
    const core = await firstRegister((base) => new Registerer({ ...base, profile: jssipProfile }));
    const named = await firstRegister((base) => new NamedRegisterer({ ...base, profile: 'jssip' }));
    expect(core.reg.profile).toBe(jssipProfile);
    expect(named.reg.profile).toBe(jssipProfile);
    expect(core.lines).toEqual(named.lines);
    // JsSIP's header order (To before From), not sipkit's.
    expect(core.lines.slice(1, 3).map((l) => l.split(':')[0])).toEqual(['Max-Forwards', 'To']);
  });

  it('refuses a profile name, which needs the named Registerer', () => {
    const base = portsOnly();
    const byName = { ...base, profile: 'jssip' as unknown as RegistrationProfile };
    expect(() => new Registerer(byName)).toThrow(RegistrationError);
    expect(() => new Registerer(byName)).toThrow(/@sipkit\/registerer/);
  });
});

describe('Registerer of @sipkit/registerer (profiles by name)', () => {
  it('is a core Registerer, resolves every built-in name and refuses an unknown one', () => {
    const base = portsOnly();
    const reg = new NamedRegisterer({ ...base, profile: 'asterisk' });
    expect(reg).toBeInstanceOf(Registerer);
    expect(reg.profile).toBe(asteriskProfile);
    expect(() => new NamedRegisterer({ ...base, profile: 'nope' as 'sipkit' })).toThrow(
      /unknown profile nope/,
    );
  });

  it('reads options the caller shares through a prototype, also with a profile name', async () => {
    const clock = new VirtualClock();
    const sender = new FakeSender(clock);
    sender.answer(ok(600));
    const shared = {
      clock,
      random: testRandom().random,
      sender,
      profile: 'jssip' as const,
      userAgent: 'shared/1',
    };
    const own = Object.assign(Object.create(shared), { aor: 'sip:alice@example.com' });
    const reg = new NamedRegisterer(own);
    await reg.register();
    expect(reg.profile).toBe(jssipProfile);
    expect(lines(sender.sent[0]!)).toContain('User-Agent: shared/1');
  });
});
