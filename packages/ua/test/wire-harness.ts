import {
  createResponse,
  parseMessage,
  type SipMessage,
  type SipRequest,
  type SipResponse,
  serialize,
} from '@sipkit/parser';
import {
  Emitter,
  type Endpoint,
  type Transport,
  type TransportEvents,
  type TransportState,
  type VirtualClock,
  type WebSocketLike,
  WebSocketTransport,
} from '@sipkit/transport';
import { expect } from 'vitest';
import { type TransportFactory, webSocketUrl } from '../src/index.js';

const decoder = new TextDecoder();
/** Headers a peer adds to its 200 for REGISTER (after the Contacts it echoes). */
export type OkHeaders = [string, string][];

/**
 * The far end of the wire: records what the user agent writes (SIP messages and CRLF pings),
 * answers every REGISTER with a 200 that echoes its Contacts, and pings with a pong.
 */
export class WirePeer {
  /** Every SIP message the user agent sent, as text. */
  readonly messages: string[] = [];
  /** Virtual times (ms) of the CRLF keep-alive pings received. */
  readonly pings: number[] = [];
  /** Extra header lines of the 200 to REGISTER. */
  okHeaders: OkHeaders = [];

  constructor(readonly clock: VirtualClock) {}

  /** The answer to `text` (a request), or none. */
  answer(text: string): SipResponse | undefined {
    const msg = parseMessage(new TextEncoder().encode(text)) as SipMessage;
    if (msg.kind !== 'request') return undefined;
    const req = msg as SipRequest;
    const res = createResponse(req, 200, { toTag: 'peer' });
    if (req.method === 'REGISTER') {
      for (const c of req.contact) if (c !== '*') res.headers.append('Contact', `<${c.uri}>;expires=600`);
      for (const [name, value] of this.okHeaders) res.headers.append(name, value);
    }
    return res;
  }

  /** A transport factory with a real WebSocketTransport over an in-memory socket to this peer. */
  readonly webSocketFactory: TransportFactory = (server, context) => {
    const peer = this;
    class Socket implements WebSocketLike {
      readyState = 0;
      protocol = 'sip';
      binaryType = '';
      onopen: ((e: unknown) => void) | null = null;
      onclose: ((e: { code: number; reason: string }) => void) | null = null;
      onerror: ((e: unknown) => void) | null = null;
      onmessage: ((e: { data: unknown }) => void) | null = null;
      constructor() {
        queueMicrotask(() => {
          this.readyState = 1;
          this.onopen?.({});
        });
      }
      send(data: string | ArrayBufferView): void {
        const text = typeof data === 'string' ? data : decoder.decode(data);
        if (text === '\r\n\r\n') {
          peer.pings.push(peer.clock.now());
          queueMicrotask(() => this.onmessage?.({ data: '\r\n' }));
          return;
        }
        peer.messages.push(text);
        const res = peer.answer(text);
        if (res) peer.clock.setTimeout(() => this.onmessage?.({ data: decoder.decode(serialize(res)) }), 5);
      }
      close(code = 1000): void {
        this.readyState = 3;
        queueMicrotask(() => this.onclose?.({ code, reason: '' }));
      }
    }
    return new WebSocketTransport({
      ...context,
      url: webSocketUrl(server),
      WebSocket: Socket,
      keepAlive: context.keepAliveInterval > 0 ? { intervalMs: context.keepAliveInterval * 1000 } : false,
    });
  };

  /** A transport factory with a datagram transport bound to `local`, as UDP is. */
  datagramFactory(local: Endpoint): TransportFactory {
    return () => {
      const events = new Emitter<TransportEvents>();
      let state: TransportState = 'disconnected';
      const setState = (s: TransportState) => {
        state = s;
        events.emit('state', s);
      };
      const transport: Transport = {
        protocol: 'UDP',
        reliable: false,
        secure: false,
        local,
        get state() {
          return state;
        },
        on: (event, listener) => events.on(event, listener),
        connect: async () => setState('connected'),
        close: async () => setState('closed'),
        send: async (data, target) => {
          const text = decoder.decode(data instanceof Uint8Array ? data : serialize(data));
          this.messages.push(text);
          const res = this.answer(text);
          if (res)
            this.clock.setTimeout(
              () => events.emit('message', parseMessage(serialize(res)), target ?? local),
              5,
            );
        },
      };
      return transport;
    };
  }
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/**
 * A golden line as a regular expression. Placeholders: `{via}` the Via sent-by host of the
 * request (so a Contact host must be the same), `{N}` N letters or digits, `{a-z:N}` N lower-case
 * letters, `{uuid}`, `{hex}` hex digits, `{n}` a decimal, `{*}` anything.
 */
function linePattern(golden: string, via: string): RegExp {
  const parts = golden.split(/(\{[^}]+\})/);
  const body = parts
    .map((p, i) => {
      if (i % 2 === 0) return p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const name = p.slice(1, -1);
      if (name === 'via') return via.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      if (name === 'uuid') return UUID;
      if (name === 'hex') return '[0-9a-f]+';
      if (name === 'n') return '\\d+';
      if (name === '*') return '.*';
      if (name.startsWith('a-z:')) return `[a-z]{${name.slice(4)}}`;
      return `[A-Za-z0-9]{${name}}`;
    })
    .join('');
  return new RegExp(`^${body}$`);
}

/**
 * Expects `text` (one request as sent) to be exactly the golden header lines, in order, then an
 * empty body. Returns the Via sent-by host.
 */
export function expectWire(text: string, golden: readonly string[]): string {
  const end = text.indexOf('\r\n\r\n');
  expect(end).toBeGreaterThan(0);
  expect(text.slice(end + 4)).toBe('');
  const lines = text.slice(0, end).split('\r\n');
  const via = /^Via: SIP\/2\.0\/[A-Z]+ (\[[^\]]+\]|[^;:]+)/.exec(lines[1] ?? '')?.[1] ?? '';
  expect(lines).toEqual(golden.map((g) => expect.stringMatching(linePattern(g, via))));
  return via;
}
