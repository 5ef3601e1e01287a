import { Headers, parseUri, SipRequest as Request, type SipRequest } from '@sipkit/parser';
import { VirtualClock } from '@sipkit/transport';
import {
  inviteTransactions,
  TransactionLayer,
  type TransactionLayerOptions,
  type TransactionUser,
} from '../src/index.js';
import { counterRandom, FakeNetwork, type FakeTransport } from './fake-network.js';

export const UA = { host: '192.0.2.10', port: 5060 };
export const PEER = { host: '192.0.2.20', port: 5070 };

let callCounter = 0;

/** A request as a UAC core would hand it to the layer (no Via yet). */
export function makeRequest(method: string, uri = 'sip:bob@192.0.2.20:5070'): SipRequest {
  const h = new Headers();
  h.append('From', '<sip:alice@example.com>;tag=a1');
  h.append('To', '<sip:bob@example.com>');
  h.append('Call-ID', `call-${++callCounter}@example.com`);
  h.append('CSeq', `1 ${method}`);
  h.append('Max-Forwards', 70);
  return new Request(method, parseUri(uri), h);
}

/** A layer (with the INVITE transactions) on a fake network talking to a raw peer transport. */
export function setup(
  protocol: 'UDP' | 'TCP' = 'UDP',
  options: Partial<TransactionLayerOptions> = {},
): {
  clock: VirtualClock;
  net: FakeNetwork;
  transport: FakeTransport;
  peer: FakeTransport;
  layer: TransactionLayer;
} {
  const clock = new VirtualClock();
  const net = new FakeNetwork(clock);
  const transport = net.transport(UA, protocol);
  const peer = net.transport(PEER, protocol);
  transport.peer = PEER;
  peer.peer = UA;
  const layer = new TransactionLayer({
    transport,
    clock,
    random: counterRandom(),
    invite: inviteTransactions,
    ...options,
  });
  return { clock, net, transport, peer, layer };
}

/** Times (ms) at which `from` sent messages passing `filter`. */
export function sendTimes(
  net: FakeNetwork,
  from: { host: string; port: number },
  filter: (p: string) => boolean,
) {
  return net
    .sentBy(from)
    .filter((p) => filter(new TextDecoder().decode(p.bytes).split('\r\n')[0]!))
    .map((p) => p.at);
}

/** A TU that records everything and answers nothing. */
export function recordingUser(): TransactionUser & {
  requests: Parameters<TransactionUser['onRequest']>[];
  acks: SipRequest[];
  strays: unknown[];
  failures: unknown[];
} {
  const requests: Parameters<TransactionUser['onRequest']>[] = [];
  const acks: SipRequest[] = [];
  const strays: unknown[] = [];
  const failures: unknown[] = [];
  return {
    requests,
    acks,
    strays,
    failures,
    onRequest: (tx, req) => requests.push([tx, req]),
    onAck: (ack) => acks.push(ack),
    onStrayResponse: (r) => strays.push(r),
    onServerFailure: (_tx, e) => failures.push(e),
  };
}

/** Text of a request as the peer sends it, with its own Via (branch, optional rport). */
export function rawRequest(
  method: string,
  options: {
    branch?: string;
    cseq?: number;
    cseqMethod?: string;
    toTag?: string;
    callId?: string;
    extra?: string[];
    via?: string;
  } = {},
): string {
  const via =
    options.via ?? `SIP/2.0/UDP ${PEER.host}:${PEER.port};branch=${options.branch ?? 'z9hG4bKpeer1'}`;
  return [
    `${method} sip:alice@${UA.host}:${UA.port} SIP/2.0`,
    `Via: ${via}`,
    'Max-Forwards: 70',
    `From: <sip:bob@example.com>;tag=b1`,
    `To: <sip:alice@example.com>${options.toTag ? `;tag=${options.toTag}` : ''}`,
    `Call-ID: ${options.callId ?? 'srv-call@example.com'}`,
    `CSeq: ${options.cseq ?? 1} ${options.cseqMethod ?? method}`,
    ...(options.extra ?? []),
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

/** First lines of messages `from` sent, e.g. `SIP/2.0 100 Trying`. */
export function lines(net: FakeNetwork, from: { host: string; port: number }): [number, string][] {
  return net.sentBy(from).map((p) => [p.at, new TextDecoder().decode(p.bytes).split('\r\n')[0]!]);
}
