import type { ServerConfig, UserAgentConfig } from '@sipkit/config';
import { fromJsSIP, fromPjsip, fromSipJs, fromSipJsLegacy, sipkitConfig } from '@sipkit/config';
import { parseUri, type SipUri } from '@sipkit/parser';
import type { StateChange } from '@sipkit/registerer';
import { afterEach, describe, expect, test } from 'vitest';
import { kamailioBindings, kamcmd, parseUlDump, restartKamailio } from '../../../interop/kamailio-control.js';
import {
  KAMAILIO_DOMAIN,
  KAMAILIO_HOST,
  KAMAILIO_SIP_PORT,
  KAMAILIO_USERS,
  KAMAILIO_WS_PORT,
  KAMAILIO_WS_URL,
} from '../../../interop/kamailio-env.js';
import { UserAgent } from '../src/index.js';
import { nodeTransportFactory } from '../src/node.js';

type Transport = 'udp' | 'tcp' | 'ws';
const USER = 'alice';
const AOR = `sip:${USER}@${KAMAILIO_DOMAIN}`;
const PASSWORD = KAMAILIO_USERS.alice;

function server(transport: Transport): ServerConfig {
  if (transport === 'ws')
    return {
      url: KAMAILIO_WS_URL,
      uri: parseUri(`sip:${KAMAILIO_HOST}:${KAMAILIO_WS_PORT};transport=ws`) as never,
      transport,
      weight: 0,
    };
  return {
    uri: parseUri(`sip:${KAMAILIO_HOST}:${KAMAILIO_SIP_PORT};transport=${transport}`) as never,
    transport,
    weight: 0,
  };
}

/** JsSIP and SIP.js configs name only WebSocket servers: other transports keep the profile, swap the server. */
function over(config: UserAgentConfig, transport: Transport): UserAgentConfig {
  return transport === 'ws' ? config : { ...config, servers: [server(transport)] };
}

const configs: Record<string, (t: Transport) => UserAgentConfig> = {
  // sipkit's own options name any transport: a WebSocket URL, or the next hop as a sip: URI.
  sipkit: (t) =>
    sipkitConfig({
      aor: AOR,
      password: PASSWORD,
      servers: t === 'ws' ? KAMAILIO_WS_URL : `sip:${KAMAILIO_HOST}:${KAMAILIO_SIP_PORT};transport=${t}`,
      expires: 60,
    }),
  JsSIP: (t) =>
    over(
      fromJsSIP({
        uri: AOR,
        password: PASSWORD,
        sockets: [KAMAILIO_WS_URL],
        register_expires: 60,
        connection_recovery_min_interval: 1,
        connection_recovery_max_interval: 3,
      }),
      t,
    ),
  'SIP.js 0.7': (t) =>
    over(
      fromSipJsLegacy({ uri: AOR, password: PASSWORD, wsServers: KAMAILIO_WS_URL, registerExpires: 60 }),
      t,
    ),
  'SIP.js 0.21': (t) =>
    over(
      fromSipJs(
        {
          uri: AOR,
          authorizationUsername: USER,
          authorizationPassword: PASSWORD,
          transportOptions: { server: KAMAILIO_WS_URL },
        },
        { expires: 60 },
      ),
      t,
    ),
  'pjsip.conf': (t) =>
    fromPjsip(
      [
        '[t]',
        'type=transport',
        `protocol=${t}`,
        `bind=${KAMAILIO_HOST}`,
        '',
        '[kamailio-auth]',
        'type=auth',
        'auth_type=userpass',
        `username=${USER}`,
        `password=${PASSWORD}`,
        '',
        '[kamailio]',
        'type=registration',
        'transport=t',
        'outbound_auth=kamailio-auth',
        // `\;`: a bare `;` starts a comment, and the Contact's transport comes from server_uri.
        `server_uri=sip:${KAMAILIO_HOST}:${t === 'ws' ? KAMAILIO_WS_PORT : KAMAILIO_SIP_PORT}\\;transport=${t}`,
        `client_uri=${AOR}`,
        'expiration=60',
        'max_random_initial_delay=0',
      ].join('\n'),
      { registration: 'kamailio' },
    ),
};

const running: UserAgent[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((ua) => ua.stop()));
});

function start(config: UserAgentConfig): UserAgent {
  const ua = new UserAgent(config, { transportFactory: nodeTransportFactory });
  running.push(ua);
  return ua;
}

/** Resolves with the first registration change that satisfies `pred`, or rejects after `ms`. */
function waitFor(ua: UserAgent, pred: (c: StateChange) => boolean, ms: number): Promise<StateChange> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no matching registration change within ${ms} ms (state ${ua.registerer?.state})`));
    }, ms);
    const off = ua.on('registration', (c) => {
      if (!pred(c)) return;
      clearTimeout(timer);
      off();
      resolve(c);
    });
  });
}

async function aliceContacts(): Promise<string[]> {
  const bindings = await kamailioBindings();
  return bindings.find((b) => b.aor === USER || b.aor === `${USER}@${KAMAILIO_DOMAIN}`)?.contacts ?? [];
}

async function registerNow(ua: UserAgent): Promise<void> {
  const registered = waitFor(ua, (c) => c.state === 'registered', 8000);
  await ua.start();
  if (!ua.config.registration.enabled) await ua.register();
  await registered;
}

describe.each(['udp', 'tcp', 'ws'] as const)('registration against Kamailio over %s', (transport) => {
  test.each(Object.keys(configs))(
    'from a %s config: register, binding seen, unregister leaves none',
    async (name) => {
      const ua = start(configs[name]!(transport));
      await registerNow(ua);
      const contact = parseUri(ua.registerer!.contact!) as SipUri;
      const user = contact.user!;
      // One transport parameter, naming the transport in use (none for UDP, the default).
      expect(ua.registerer!.contact!.match(/;transport=/gi)?.length ?? 0).toBe(transport === 'udp' ? 0 : 1);
      expect(contact.transport?.toLowerCase()).toBe(transport === 'udp' ? undefined : transport);
      const bound = await aliceContacts();
      expect(bound).toHaveLength(1);
      expect(bound[0]).toContain(`sip:${user}@`);
      await ua.stop();
      expect(ua.registerer?.state).toBe('stopped');
      expect(await aliceContacts()).toEqual([]);
    },
  );
});

test.each(['tcp', 'ws'] as const)(
  'sipkit profile over %s: a 439 from the first hop, then registered without reg-id, unregistered after',
  async (transport) => {
    const base = fromJsSIP(
      { uri: `sip:dave@${KAMAILIO_DOMAIN}`, password: KAMAILIO_USERS.dave, sockets: [KAMAILIO_WS_URL] },
      { profile: 'sipkit' },
    );
    const ua = start({ ...base, servers: [server(transport)] });
    const changes: StateChange[] = [];
    ua.on('registration', (c) => changes.push(c));
    await registerNow(ua);
    expect(ua.registerer!.outbound).toBe(false);
    // One registration: the 439 was answered by a second REGISTER, not by a failure and a retry.
    expect(changes.map((c) => c.state)).toEqual(['registering', 'registered']);
    const dump = await kamcmd('ul.dump');
    expect(parseUlDump(dump).find((b) => b.aor.startsWith('dave'))?.contacts).toHaveLength(1);
    const daveDump = dump.split(/(?=AoR:)/).find((s) => /AoR:\s*dave/.test(s)) ?? '';
    expect(daveDump).toMatch(/Reg-Id:\s*0\b/);
    await ua.stop();
    expect((await kamailioBindings()).find((b) => b.aor.startsWith('dave'))?.contacts ?? []).toEqual([]);
  },
);

test('a failed un-REGISTER: Asterisk registers again after retry_interval, JsSIP ends unregistered', async () => {
  const erinBindings = async () =>
    (await kamailioBindings()).find((b) => b.aor.startsWith('erin'))?.contacts ?? [];
  const asterisk = start(
    fromPjsip(
      [
        '[t]',
        'type=transport',
        'protocol=tcp',
        `bind=${KAMAILIO_HOST}`,
        '[erin-auth]',
        'type=auth',
        'username=erin',
        `password=${KAMAILIO_USERS.erin}`,
        '[erin]',
        'type=registration',
        'transport=t',
        'outbound_auth=erin-auth',
        `server_uri=sip:${KAMAILIO_HOST}:${KAMAILIO_SIP_PORT};transport=tcp`,
        `client_uri=sip:erin@${KAMAILIO_DOMAIN}`,
        'retry_interval=1',
        'max_random_initial_delay=0',
      ].join('\n'),
      { registration: 'erin' },
    ),
  );
  await registerNow(asterisk);
  const failed = await asterisk.unregister();
  expect(failed.response?.status).toBe(503);
  expect(asterisk.registerer!.state).toBe('retry-wait');
  await waitFor(asterisk, (c) => c.state === 'registered', 5000);
  expect(await erinBindings()).not.toEqual([]);
  await asterisk.stop();

  const jssip = start(
    fromJsSIP({
      uri: `sip:erin@${KAMAILIO_DOMAIN}`,
      password: KAMAILIO_USERS.erin,
      sockets: [KAMAILIO_WS_URL],
    }),
  );
  await registerNow(jssip);
  expect((await jssip.unregister()).response?.status).toBe(503);
  expect(jssip.registerer!.state).toBe('unregistered');
});

test('a short expiry is refreshed before it runs out (SIP.js 0.21, refreshFrequency 50)', async () => {
  const config = fromSipJs(
    {
      uri: AOR,
      authorizationUsername: USER,
      authorizationPassword: PASSWORD,
      transportOptions: { server: KAMAILIO_WS_URL },
    },
    { expires: 10, refreshFrequency: 50 },
  );
  const ua = start(config);
  await registerNow(ua);
  const refreshed = await waitFor(ua, (c) => c.reason === 'refreshed', 9000);
  expect(refreshed.state).toBe('registered');
  expect(refreshed.expires).toBe(10);
  expect(await aliceContacts()).toHaveLength(1);
});

test('Kamailio restarted while registered: registered again within the JsSIP back-off bound', async () => {
  const ua = start(configs.JsSIP!('ws'));
  await registerNow(ua);
  const again = waitFor(ua, (c) => c.state === 'registered' && c.previous !== 'registered', 15_000);
  await restartKamailio();
  const restartedAt = Date.now();
  await again;
  // connection_recovery_max_interval is 3 s: reconnect plus the challenged REGISTER stay well inside 3 s + 2 s.
  expect(Date.now() - restartedAt).toBeLessThan(5000 + 2000);
  expect(await aliceContacts()).toHaveLength(1);
});
