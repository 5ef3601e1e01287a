/**
 * JsSIP 3.13 and SIP.js 0.21 in the registration-scale worker: one library user agent per
 * account over its own WebSocket (both are WebSocket-only), registering with the library's own
 * registration logic. Node 20 has no global WebSocket, so `ws` is installed as one, subclassed
 * to count the SIP messages sent and received (one shared listener; nothing per UA but what a
 * listener entry costs).
 */
import { WebSocket as NodeWebSocket } from 'ws';
import { passwordOf } from './scale-registrar.mjs';

/** Makes `globalThis.WebSocket` a `ws` WebSocket that reports every frame to `trace`. */
function installWebSocket(trace) {
  function onMessage(data) {
    trace('in', data);
  }
  globalThis.WebSocket = class CountingWebSocket extends NodeWebSocket {
    constructor(url, protocols) {
      super(url, protocols);
      this.on('message', onMessage);
    }
    send(data, ...rest) {
      trace('out', data);
      return super.send(data, ...rest);
    }
  };
}

/** JsSIP: `new JsSIP.UA({ sockets, uri, password, register_expires })`, `ua.start()` registers. */
export async function prepareJssip(job, events, traffic) {
  installWebSocket(traffic.trace);
  const { default: JsSIP } = await import('jssip');
  const agents = new Array(job.n);
  return {
    agents,
    close: async () => {},
    async start(i) {
      const user = `${job.prefix}${i}`;
      const ua = new JsSIP.UA({
        sockets: [new JsSIP.WebSocketInterface(job.wsUrl)],
        uri: `sip:${user}@${job.domain}`,
        password: passwordOf(user),
        register_expires: job.peerExpires.jssip,
        user_agent: 'jssip-bench',
      });
      agents[i] = ua;
      ua.on('registered', () => events.registered(i));
      ua.on('registrationFailed', (e) => events.lost(i, e.response?.status_code ?? e.cause));
      ua.on('unregistered', () => events.lost(i, 'unregistered'));
      ua.start();
    },
  };
}

/** SIP.js 0.21: `UserAgent` + `Registerer`, `await ua.start()` then `registerer.register()`. */
export async function prepareSipjs(job, events, traffic) {
  installWebSocket(traffic.trace);
  const { UserAgent, Registerer, RegistererState } = await import('sip.js');
  const agents = new Array(job.n);
  return {
    agents,
    close: async () => {},
    async start(i) {
      const user = `${job.prefix}${i}`;
      const ua = new UserAgent({
        uri: UserAgent.makeURI(`sip:${user}@${job.domain}`),
        transportOptions: { server: job.wsUrl },
        authorizationUsername: user,
        authorizationPassword: passwordOf(user),
        logBuiltinEnabled: false,
        logLevel: 'error',
        userAgentString: 'sipjs-bench',
      });
      agents[i] = ua;
      await ua.start();
      const registerer = new Registerer(ua, {
        expires: job.peerExpires.sipjs,
        refreshFrequency: job.peerExpires.sipjsRefreshFrequency,
      });
      registerer.stateChange.addListener((state) => {
        if (state === RegistererState.Registered) events.registered(i);
        else if (state === RegistererState.Unregistered || state === RegistererState.Terminated)
          events.lost(i, state);
      });
      await registerer.register();
    },
  };
}
