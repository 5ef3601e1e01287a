// RFC 5626 section 4.4.1 against Kamailio: frank's registration is confirmed as an outbound flow
// (`Require: outbound`, `Flow-Timer: 2`), so the sipkit profile keeps the flow alive although
// its config turns keep-alives off, and Kamailio answers every CRLF ping with a CRLF pong; over
// UDP (section 4.4.2) the pings are STUN Binding requests, which Kamailio's stun module answers.
import { sipkitConfig } from '@sipkit/config';
import { UdpTransport } from '@sipkit/transport/node';
import { afterEach, describe, expect, test } from 'vitest';
import {
  KAMAILIO_DOMAIN,
  KAMAILIO_HOST,
  KAMAILIO_SIP_PORT,
  KAMAILIO_USERS,
  KAMAILIO_WS_URL,
} from '../../../interop/kamailio-env.js';
import { UserAgent } from '../src/index.js';
import { nodeTransportFactory } from '../src/node.js';

const running: UserAgent[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((ua) => ua.stop()));
});

/** Resolves once `pred` holds, checking every 50 ms; rejects after `ms`. */
async function until(pred: () => boolean, ms: number, what: string): Promise<void> {
  for (const start = Date.now(); !pred(); ) {
    if (Date.now() - start > ms) throw new Error(`${what} did not happen within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.each(['tcp', 'ws'] as const)('a confirmed outbound flow over %s', (transport) => {
  test('is kept alive at the Flow-Timer and Kamailio answers the pings', async () => {
    const servers =
      transport === 'ws' ? KAMAILIO_WS_URL : `sip:${KAMAILIO_HOST}:${KAMAILIO_SIP_PORT};transport=tcp`;
    const config = sipkitConfig({
      aor: `sip:frank@${KAMAILIO_DOMAIN}`,
      password: KAMAILIO_USERS.frank,
      servers,
      expires: 60,
    });
    expect(config.connection.keepAliveInterval).toBe(0);
    let pings = 0;
    let pongs = 0;
    const ua = new UserAgent(config, {
      transportFactory: nodeTransportFactory,
      trace: (direction, text) => {
        if (direction === 'out' && text === '\r\n\r\n') pings++;
        if (direction === 'in' && text === '\r\n') pongs++;
      },
    });
    running.push(ua);
    await ua.start();
    // From here on the connection must stay up: a missed pong would drop and reconnect it.
    const drops: string[] = [];
    ua.on('transport', (state) => drops.push(state));
    if (ua.registerer?.state !== 'registered') await ua.register();
    expect(ua.registerer?.state).toBe('registered');
    expect(ua.registerer?.outbound).toBe(true);
    // Flow-Timer 2: a ping every 1.6-2 s, so three pings and their pongs take about 6 s.
    await until(() => pongs >= 3, 15_000, 'three keep-alive pongs');
    expect(pings).toBeGreaterThanOrEqual(3);
    expect(drops).toEqual([]);
    await ua.stop();
  });
});

describe('a confirmed outbound flow over udp', () => {
  test('is kept alive with STUN at the Flow-Timer and Kamailio answers the Binding requests', async () => {
    const config = sipkitConfig({
      aor: `sip:frank@${KAMAILIO_DOMAIN}`,
      password: KAMAILIO_USERS.frank,
      servers: `sip:${KAMAILIO_HOST}:${KAMAILIO_SIP_PORT}`,
      expires: 60,
    });
    expect(config.connection.keepAliveInterval).toBe(0);
    // STUN never reaches the SIP trace: the UDP transport counts the responses that kept its flow alive.
    let udp: UdpTransport | undefined;
    let registers = 0;
    const ua = new UserAgent(config, {
      transportFactory: (server, context) => {
        const t = nodeTransportFactory(server, context);
        if (t instanceof UdpTransport) udp = t;
        return t;
      },
      trace: (direction, text) => {
        if (direction === 'out' && text.startsWith('REGISTER ')) registers++;
      },
    });
    running.push(ua);
    await ua.start();
    if (ua.registerer?.state !== 'registered') await ua.register();
    expect(ua.registerer?.state).toBe('registered');
    expect(ua.registerer?.outbound).toBe(true);
    // From here on a failed flow (no response, or a changed mapped address) would re-REGISTER.
    const before = registers;
    // Flow-Timer 2: a Binding request every 1.6-2 s, so three answers take about 6 s.
    await until(() => (udp?.keepAliveResponses ?? 0) >= 3, 15_000, 'three STUN Binding responses');
    expect(registers).toBe(before);
    await ua.stop();
  });
});
