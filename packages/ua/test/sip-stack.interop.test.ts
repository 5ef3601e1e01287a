import { fromJsSIP, type ServerConfig, type UserAgentConfig } from '@sipkit/config';
import { parseUri, type SipUri } from '@sipkit/parser';
import { afterEach, expect, test } from 'vitest';
import { kamailioBindings } from '../../../interop/kamailio-control.js';
import {
  KAMAILIO_DOMAIN,
  KAMAILIO_HOST,
  KAMAILIO_SIP_PORT,
  KAMAILIO_USERS,
  KAMAILIO_WS_URL,
} from '../../../interop/kamailio-env.js';
import { SipStack, UserAgent } from '../src/index.js';
import { nodeTransportFactory } from '../src/node.js';

// Kamailio knows three users, so the fifty user agents are fifty bindings (distinct Contacts) of alice.
const COUNT = 50;
const USER = 'alice';

const servers: ServerConfig[] = [
  {
    uri: parseUri(`sip:${KAMAILIO_HOST}:${KAMAILIO_SIP_PORT};transport=udp`) as SipUri,
    transport: 'udp',
    weight: 0,
  },
];

let stack: SipStack | undefined;
afterEach(async () => {
  await stack?.stop();
});

async function contactsOf(user: string): Promise<string[]> {
  const bindings = await kamailioBindings();
  return bindings.find((b) => b.aor === user || b.aor === `${user}@${KAMAILIO_DOMAIN}`)?.contacts ?? [];
}
const aliceContacts = () => contactsOf(USER);

/** Alice's JsSIP config with the UDP server: the base of the identity tests. */
function aliceOverUdp(): UserAgentConfig {
  const config = fromJsSIP({
    uri: `sip:${USER}@${KAMAILIO_DOMAIN}`,
    password: KAMAILIO_USERS.alice,
    sockets: [KAMAILIO_WS_URL],
    register_expires: 60,
  });
  return { ...config, servers };
}

/** Resolves once `ua` is registered; rejects if the registrar refuses it. */
function registeredOnce(ua: UserAgent): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const off = ua.on('registration', (c) => {
      if (c.state === 'registered') {
        off();
        resolve();
      } else if (c.state === 'rejected') reject(new Error(`rejected with ${c.code}`));
    });
  });
}

test(`${COUNT} user agents register through one SipStack over UDP, and the stack stops them all`, async () => {
  stack = new SipStack({ servers, transportFactory: nodeTransportFactory });
  await stack.start();
  const base = fromJsSIP({
    uri: `sip:${USER}@${KAMAILIO_DOMAIN}`,
    password: KAMAILIO_USERS.alice,
    sockets: [KAMAILIO_WS_URL],
    register_expires: 60,
  });
  const agents = Array.from({ length: COUNT }, () => new UserAgent({ ...base, servers }, { stack }));
  const registered = agents.map(registeredOnce);
  await Promise.all(agents.map((ua) => ua.start()));
  await Promise.all(registered);
  expect(stack.userAgentCount).toBe(COUNT);

  // One socket: every Contact names the same local port, and each user agent its own user.
  const contacts = await aliceContacts();
  expect(contacts).toHaveLength(COUNT);
  const users = new Set(contacts.map((c) => (parseUri(c) as SipUri).user));
  expect(users).toEqual(new Set(agents.map((ua) => ua.registerer!.contactUser)));
  expect(new Set(contacts.map((c) => (parseUri(c) as SipUri).port)).size).toBe(1);

  // One user agent leaves; the others stay bound.
  await agents[0]!.stop();
  expect(await aliceContacts()).toHaveLength(COUNT - 1);
  expect(stack.transportState).toBe('connected');

  await stack.stop();
  expect(agents.every((ua) => ua.state === 'stopped')).toBe(true);
  expect(await aliceContacts()).toEqual([]);
});

test('user agents on one base config with their own identity register as those users', async () => {
  stack = new SipStack({ servers, transportFactory: nodeTransportFactory });
  await stack.start();
  const base = aliceOverUdp();
  const users = ['bob', 'carol'] as const;
  const agents = users.map(
    (user) =>
      new UserAgent(base, {
        stack,
        identity: { aor: `sip:${user}@${KAMAILIO_DOMAIN}`, password: KAMAILIO_USERS[user] },
      }),
  );
  const registered = agents.map(registeredOnce);
  await Promise.all(agents.map((ua) => ua.start()));
  await Promise.all(registered);
  for (const [i, user] of users.entries())
    expect(await contactsOf(user)).toEqual([expect.stringContaining(agents[i]!.registerer!.contactUser)]);
  expect(await aliceContacts()).toEqual([]);
  await stack.stop();
  expect(await contactsOf('bob')).toEqual([]);
  expect(await contactsOf('carol')).toEqual([]);
});

test('a wrong password in an identity is refused by Kamailio, and the others still register', async () => {
  stack = new SipStack({ servers, transportFactory: nodeTransportFactory });
  await stack.start();
  const base = aliceOverUdp();
  const good = new UserAgent(base, {
    stack,
    identity: { aor: `sip:bob@${KAMAILIO_DOMAIN}`, password: KAMAILIO_USERS.bob },
  });
  const bad = new UserAgent(base, {
    stack,
    identity: { aor: `sip:carol@${KAMAILIO_DOMAIN}`, password: 'wrong' },
  });
  const results = [registeredOnce(good), registeredOnce(bad)];
  await Promise.all([good.start(), bad.start()]);
  const [ok, refused] = await Promise.allSettled(results);
  expect(ok?.status).toBe('fulfilled');
  expect(refused?.status).toBe('rejected');
  expect(await contactsOf('carol')).toEqual([]);
  expect(await contactsOf('bob')).toHaveLength(1);
});
