import { applyAuthorization, DigestClient, DigestCredentials } from '@sipkit/digest';
import { createRequest, type SipRequest } from '@sipkit/parser';
import { cryptoRandom, systemClock, type Transport } from '@sipkit/transport';
import { createNodeWebSocketTransport, TcpTransport, UdpTransport } from '@sipkit/transport/node';
import { afterEach, describe, expect, test } from 'vitest';
import { kamailioBindings } from '../../../interop/kamailio-control.js';
import {
  KAMAILIO_DOMAIN,
  KAMAILIO_HOST,
  KAMAILIO_SIP_PORT,
  KAMAILIO_USERS,
  KAMAILIO_WS_URL,
} from '../../../interop/kamailio-env.js';
import { LossyUdpRelay } from '../../../interop/lossy-udp-relay.js';
import { isLocalResponse, TransactionLayer } from '../src/index.js';

const server = { host: KAMAILIO_HOST, port: KAMAILIO_SIP_PORT };
type Kind = 'UDP' | 'TCP' | 'WS';
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function layerOver(
  kind: Kind,
  timers?: { t1: number; t2: number },
): Promise<{ layer: TransactionLayer; transport: Transport }> {
  const transport =
    kind === 'UDP'
      ? new UdpTransport({ host: KAMAILIO_HOST })
      : kind === 'TCP'
        ? new TcpTransport({ host: KAMAILIO_HOST, remote: server })
        : createNodeWebSocketTransport({ url: KAMAILIO_WS_URL });
  await transport.connect();
  const layer = new TransactionLayer({ transport, clock: systemClock, random: cryptoRandom, timers });
  cleanup.push(
    () => transport.close(),
    () => layer.close(),
  );
  return { layer, transport };
}

let n = 0;
function request(
  method: string,
  user: string,
  extra: Record<string, string> = {},
  callId?: string,
): SipRequest {
  n++;
  return createRequest({
    method,
    uri: `sip:${KAMAILIO_DOMAIN}`,
    headers: {
      From: `<sip:${user}@${KAMAILIO_DOMAIN}>;tag=t${n}`,
      To: `<sip:${user}@${KAMAILIO_DOMAIN}>`,
      'Call-ID': callId ?? `tx-interop-${n}`,
      CSeq: `${n} ${method}`,
      ...extra,
    },
  });
}

describe.each(['UDP', 'TCP', 'WS'] as const)('transaction layer against Kamailio over %s', (kind) => {
  const target = kind === 'WS' ? undefined : server;

  test('OPTIONS gets 200; the response routing used our Via with rport', async () => {
    const { layer } = await layerOver(kind);
    const res = await layer.request(request('OPTIONS', 'carol', { 'Max-Forwards': '70' }), { target }).final;
    expect(res.status).toBe(200);
    expect(isLocalResponse(res)).toBe(false);
    const via = res.topVia!;
    expect(via.transport).toBe(kind);
    expect(typeof via.rport).toBe('number'); // Kamailio filled in rport=<our port> (RFC 3581)
  });

  test('an unauthenticated REGISTER gets 401; answering it registers, Expires 0 removes the binding', async () => {
    const { layer, transport } = await layerOver(kind);
    const contact = `<sip:carol@${transport.local.host}:${transport.local.port};transport=${kind.toLowerCase()}>`;
    const callId = `reg-${kind}-${Date.now()}`;
    const first = request('REGISTER', 'carol', { Contact: contact, Expires: '60' }, callId);
    const challenge = await layer.request(first, { target }).final;
    expect(challenge.status).toBe(401);
    expect(challenge.headers.first('www-authenticate')).toMatchObject({ scheme: 'Digest' });
    expect(challenge.headers.first('www-authenticate')?.param('realm')).toBe(KAMAILIO_DOMAIN);

    const client = new DigestClient({
      credentials: DigestCredentials.fromPassword({ username: 'carol', password: KAMAILIO_USERS.carol }),
    });
    const send = async (expires: number) => {
      const req = request('REGISTER', 'carol', { Contact: contact, Expires: String(expires) }, callId);
      applyAuthorization(req.headers, await client.authorize(challenge, req));
      return layer.request(req, { target }).final;
    };
    expect((await send(60)).status).toBe(200);
    const carol = () =>
      kamailioBindings().then((b) => b.find((x) => x.aor.startsWith('carol'))?.contacts ?? []);
    expect(await carol()).toHaveLength(1);
    const removed = await send(0);
    expect(removed.status).toBe(200);
    expect(await carol()).toEqual([]);
  });
});

test('UDP retransmission timers recover every transaction through a relay that drops 20 % of datagrams', async () => {
  const relay = new LossyUdpRelay(server, 0.2, 4475);
  const port = await relay.start();
  cleanup.push(() => relay.stop());
  // Short timers keep the run brief: Timer E starts at 50 ms, Timer F gives up after 64 * T1 = 3.2 s.
  const { layer } = await layerOver('UDP', { t1: 50, t2: 400 });
  const statuses: number[] = [];
  const local: boolean[] = [];
  for (let i = 0; i < 40; i++) {
    const req =
      i % 4 === 3
        ? request('REGISTER', 'carol', { Contact: '<sip:carol@127.0.0.1:9>', Expires: '60' })
        : request('OPTIONS', 'carol');
    const res = await layer.request(req, { target: { host: '127.0.0.1', port } }).final;
    statuses.push(res.status);
    local.push(isLocalResponse(res));
  }
  expect(local.filter(Boolean)).toEqual([]); // no synthetic 408: every transaction got Kamailio's answer
  expect(statuses.filter((s) => s === 200)).toHaveLength(30);
  expect(statuses.filter((s) => s === 401)).toHaveLength(10);
  expect(relay.stats.dropped).toBeGreaterThan(5); // the loss really happened and was repaired
});
