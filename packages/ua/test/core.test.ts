import { fromJsSIP, sipkitConfig, type UserAgentConfig } from '@sipkit/config';
import { Registerer } from '@sipkit/registerer';
import {
  Registerer as CoreRegisterer,
  createAsteriskProfile,
  jssipProfile,
  sipkitProfile,
} from '@sipkit/registerer/core';
import { VirtualClock } from '@sipkit/transport';
import { UserAgent as CoreUserAgent, UserAgentError } from '@sipkit/ua/core';
import { describe, expect, test } from 'vitest';
import { UserAgent } from '../src/index.js';
import { FakeRegistrar } from './fake-registrar.js';
import { run, seeded } from './virtual-time.js';

/** Alice's config as JsSIP settings read it (profile `jssip`). */
const jssipConfig = (): UserAgentConfig =>
  fromJsSIP({ uri: 'sip:alice@example.test', password: 'secret', sockets: ['wss://edge.example.test'] });

/** Alice's config as an app that writes its own gets it from `sipkitConfig` (profile `sipkit`). */
const ownConfig = (): UserAgentConfig =>
  sipkitConfig({ aor: 'sip:alice@example.test', password: 'secret', servers: 'wss://edge.example.test' });

/** Starts `ua` against a fake registrar and returns the REGISTER lines it sent, then stops it. */
async function registerOnce(
  make: (options: ConstructorParameters<typeof CoreUserAgent>[1]) => CoreUserAgent,
) {
  const clock = new VirtualClock();
  const registrar = new FakeRegistrar(clock);
  const ua = make({ clock, random: seeded(5), transportFactory: registrar.factory });
  await ua.start(); // registers by itself (the config says so), Asterisk after its initial delay
  for (let t = 0; t < 20_000 && ua.registerer!.state !== 'registered'; t += 100) await run(clock, 100);
  expect(ua.registerer!.state).toBe('registered');
  const profile = ua.registerer!.profile;
  const registerer = ua.registerer!;
  const done = ua.stop();
  await run(clock, 200);
  await done;
  return {
    profile,
    registerer,
    first: registrar.wire.find((w) => w.startsWith('REGISTER'))!,
    bindings: registrar.bindings,
  };
}

describe('UserAgent of @sipkit/ua/core', () => {
  test('registers with the sipkit profile from a sipkitConfig', async () => {
    const r = await registerOnce((o) => new CoreUserAgent(ownConfig(), o));
    expect(r.profile).toBe(sipkitProfile);
    expect(r.registerer).toBeInstanceOf(CoreRegisterer);
    expect(r.registerer).not.toBeInstanceOf(Registerer);
    expect(r.first).toMatch(/^REGISTER sip:example\.test SIP\/2\.0\r\n/);
    expect(r.bindings).toBe(0); // unregistered on stop
  });

  test('register() and unregister() before start() reject with NOT_STARTED instead of throwing', async () => {
    const ua = new CoreUserAgent(ownConfig());
    let register: Promise<unknown> | undefined;
    let unregister: Promise<unknown> | undefined;
    expect(() => {
      register = ua.register();
      unregister = ua.unregister();
    }).not.toThrow();
    await expect(register).rejects.toMatchObject({ code: 'NOT_STARTED' });
    await expect(unregister).rejects.toMatchObject({ code: 'NOT_STARTED' });
  });

  test('has no config adapter statics', () => {
    expect('fromJsSIP' in CoreUserAgent).toBe(false);
    expect('fromPjsip' in CoreUserAgent).toBe(false);
  });

  test('refuses a config naming another profile unless that profile object is passed', async () => {
    const config = jssipConfig();
    expect(() => new CoreUserAgent(config)).toThrow(UserAgentError);
    try {
      new CoreUserAgent(config);
    } catch (e) {
      expect((e as UserAgentError).code).toBe('UNSUPPORTED_PROFILE');
      expect((e as Error).message).toMatch(/jssip profile/);
    }
    const r = await registerOnce((o) => new CoreUserAgent(config, { ...o, profile: jssipProfile }));
    expect(r.profile).toBe(jssipProfile);
  });

  test('sends the same REGISTER as the UserAgent of @sipkit/ua for the same profile', async () => {
    const core = await registerOnce((o) => new CoreUserAgent(jssipConfig(), { ...o, profile: jssipProfile }));
    const full = await registerOnce((o) => new UserAgent(jssipConfig(), o));
    expect(full.profile).toBe(jssipProfile);
    // Each makes the Registerer class of the entry its users import alongside it.
    expect(full.registerer).toBeInstanceOf(Registerer);
    expect(core.first).toBe(full.first);
  });
});

describe('UserAgent of @sipkit/ua', () => {
  test('extends the core one, with the statics, and resolves every profile name', () => {
    const ua = UserAgent.fromJsSIP({
      uri: 'sip:alice@example.test',
      password: 'secret',
      sockets: ['wss://edge.example.test'],
    });
    expect(ua).toBeInstanceOf(UserAgent);
    expect(ua).toBeInstanceOf(CoreUserAgent);
    const pjsip = UserAgent.fromPjsip(
      '[reg]\ntype=registration\nserver_uri=sip:example.test\nclient_uri=sip:alice@example.test\ntransport=t\n[t]\ntype=transport\nprotocol=ws\n',
    );
    expect(pjsip.config.profile).toBe('asterisk');
  });

  test('follows options.profile over the profile the config names', async () => {
    const asterisk = createAsteriskProfile({ maxRetries: 1 });
    const r = await registerOnce((o) => new UserAgent(jssipConfig(), { ...o, profile: asterisk }));
    expect(r.profile).toBe(asterisk);
  });
});
