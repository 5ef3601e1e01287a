/**
 * sipkit in the registration-scale worker: one `UserAgent` (from @sipkit/ua, built dist) per
 * account, configured as an application would (a JsSIP-style config through `fromJsSIP`, sipkit
 * profile), registering over UDP or WebSocket.
 *
 * How the user agents reach the network is the client mode, one function each in `clientModes`,
 * chosen by `job.mode`. A mode gets `{ job, server, trace }` and resolves with
 * `{ userAgent(config, identity), close() }`:
 * - `perSocket`: every UserAgent has its own transport (its own UDP socket or WebSocket) and its
 *   own transaction layer, as `new UserAgent(config, { transportFactory })` builds it.
 * - `sharedStack`: one `SipStack` (one transport, one transaction layer) for the whole population,
 *   `new UserAgent(config, { stack })`, as a load generator or bot farm would run it.
 * Every user agent runs one JsSIP-style base config with its own `identity` option (AOR and
 * password): the documented way to build a population, with no config object per account.
 */
import { fromJsSIP } from '@sipkit/config';
import { parseUri } from '@sipkit/parser';
import { SipStack, UserAgent } from '@sipkit/ua';
import { nodeTransportFactory } from '@sipkit/ua/node';
import { passwordOf } from './scale-registrar.mjs';

/** The client modes, by name (see the file comment). */
export const clientModes = {
  /** One transport and one transaction layer per UserAgent (sipkit's default wiring). */
  async perSocket({ trace }) {
    // The benchmark's counter sees the wire bytes; it is one shared function, nothing per UA.
    const transportFactory = (server, context) =>
      nodeTransportFactory(server, { ...context, onTrace: trace });
    return {
      userAgent: (config, identity) => new UserAgent(config, { transportFactory, identity }),
      close: async () => {},
    };
  },
  /** One SipStack shared by every UserAgent. */
  async sharedStack({ server, trace }) {
    const transportFactory = (s, context) => nodeTransportFactory(s, { ...context, onTrace: trace });
    const stack = new SipStack({ servers: [server], transportFactory });
    await stack.start();
    return {
      userAgent: (config, identity) => new UserAgent(config, { stack, identity }),
      close: () => stack.stop(),
    };
  },
};

/** The server entry of the config: the registrar's UDP port, or its WebSocket URL. */
function serverConfig(job) {
  if (job.transport === 'ws') {
    return {
      url: job.wsUrl,
      uri: parseUri(`sip:${new URL(job.wsUrl).host};transport=ws`),
      transport: 'ws',
      weight: 0,
    };
  }
  return { uri: parseUri(`sip:127.0.0.1:${job.udpPort};transport=udp`), transport: 'udp', weight: 0 };
}

/**
 * Prepares the population: `start(i)` creates, wires and starts user agent `i`. `events` gets
 * `registered(i)` on every accepted REGISTER (first and refreshes) and `lost(i, why)` when the
 * registration fails or lapses.
 */
export async function prepareSipkit(job, events, traffic) {
  const make = clientModes[job.mode];
  if (!make) throw new Error(`unknown sipkit client mode ${job.mode}`);
  const server = serverConfig(job);
  const mode = await make({ job, server, trace: traffic.trace });
  const agents = new Array(job.n);
  const jssip = fromJsSIP(
    {
      uri: `sip:${job.prefix}0@${job.domain}`,
      password: passwordOf(`${job.prefix}0`),
      sockets: ['ws://placeholder.invalid'],
      register_expires: job.expires,
      user_agent: 'sipkit-bench',
    },
    { profile: 'sipkit' },
  );
  // The JsSIP adapter marks the Contact transport=ws; the sipkit profile writes the real one.
  const base = { ...jssip, servers: [server], contact: { ...jssip.contact, uriParams: {} } };
  return {
    agents,
    close: () => mode.close(),
    async start(i) {
      const user = `${job.prefix}${i}`;
      const ua = mode.userAgent(base, { aor: `sip:${user}@${job.domain}`, password: passwordOf(user) });
      agents[i] = ua;
      ua.on('registration', (c) => {
        if (c.state === 'registered') events.registered(i);
        else if (c.state === 'retry-wait' || c.state === 'rejected' || c.state === 'unregistered')
          events.lost(i, c.code ?? c.reason);
      });
      await ua.start();
    },
  };
}
