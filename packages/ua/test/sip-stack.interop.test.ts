import { fromJsSIP, type ServerConfig } from '@sipkit/config';
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

async function aliceContacts(): Promise<string[]> {
  const bindings = await kamailioBindings();
  return bindings.find((b) => b.aor === USER || b.aor === `${USER}@${KAMAILIO_DOMAIN}`)?.contacts ?? [];
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
  const registered = agents.map(
    (ua) =>
      new Promise<void>((resolve, reject) => {
        const off = ua.on('registration', (c) => {
          if (c.state === 'registered') {
            off();
            resolve();
          } else if (c.state === 'rejected') reject(new Error(`rejected with ${c.code}`));
        });
      }),
  );
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
