import { createHash } from 'node:crypto';
import { type AuthValue, Headers, parseUri, SipRequest, type SipResponse } from '@sipkit/parser';
import type { Transport } from '@sipkit/transport';
import { createNodeWebSocketTransport, TcpTransport, UdpTransport } from '@sipkit/transport/node';
import { afterEach, describe, expect, it } from 'vitest';
import { kamailioBindings } from '../../../interop/kamailio-control.js';
import {
  KAMAILIO_DOMAIN,
  KAMAILIO_HOST,
  KAMAILIO_SIP_PORT,
  KAMAILIO_USERS,
  KAMAILIO_WS_URL,
} from '../../../interop/kamailio-env.js';
import { optionsRequest } from './helpers.js';

const server = { host: KAMAILIO_HOST, port: KAMAILIO_SIP_PORT };
const open: Transport[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
});

type Kind = 'UDP' | 'TCP' | 'WS';
async function transportFor(kind: Kind): Promise<Transport> {
  const t =
    kind === 'UDP'
      ? new UdpTransport({ host: KAMAILIO_HOST })
      : kind === 'TCP'
        ? new TcpTransport({ host: KAMAILIO_HOST, remote: server })
        : createNodeWebSocketTransport({ url: KAMAILIO_WS_URL });
  open.push(t);
  await t.connect();
  return t;
}

/** Sends `req` and waits for the response with its Call-ID. */
async function exchange(t: Transport, req: SipRequest): Promise<SipResponse> {
  const reply = new Promise<SipResponse>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no response from Kamailio in 5 s')), 5000);
    const off = t.on('message', (msg) => {
      if (msg.kind === 'response' && msg.callId === req.callId) {
        clearTimeout(timer);
        off();
        resolve(msg);
      }
    });
  });
  await t.send(req, server);
  return reply;
}

let seq = 0;
function register(
  t: Transport,
  user: string,
  opts: { callId: string; cseq: number; expires: number; auth?: string },
) {
  const local = t.local;
  const h = new Headers()
    .append(
      'Via',
      `SIP/2.0/${t.protocol} ${local.host}:${local.port || 5060};branch=z9hG4bK-reg-${Date.now()}-${++seq};rport`,
    )
    .append('Max-Forwards', '70')
    .append('From', `<sip:${user}@${KAMAILIO_DOMAIN}>;tag=f${seq}`)
    .append('To', `<sip:${user}@${KAMAILIO_DOMAIN}>`)
    .append('Call-ID', opts.callId)
    .append('CSeq', `${opts.cseq} REGISTER`)
    .append(
      'Contact',
      `<sip:${user}@${local.host}:${local.port || 5060};transport=${t.protocol.toLowerCase()}>`,
    )
    .append('Expires', String(opts.expires));
  if (opts.auth) h.append('Authorization', opts.auth);
  return new SipRequest('REGISTER', parseUri(`sip:${KAMAILIO_DOMAIN}`), h);
}

/** RFC 2617 MD5 digest with qop=auth, computed here by hand (the digest package comes later). */
function digest(ch: AuthValue, user: string, password: string, uri: string): string {
  const md5 = (s: string) => createHash('md5').update(s).digest('hex');
  const realm = ch.params.get('realm') ?? '';
  const nonce = ch.params.get('nonce') ?? '';
  const cnonce = 'sipkit0cnonce';
  const nc = '00000001';
  const ha1 = md5(`${user}:${realm}:${password}`);
  const ha2 = md5(`REGISTER:${uri}`);
  const response = md5(`${ha1}:${nonce}:${nc}:${cnonce}:auth:${ha2}`);
  return (
    `Digest username="${user}", realm="${realm}", nonce="${nonce}", uri="${uri}", ` +
    `response="${response}", algorithm=MD5, cnonce="${cnonce}", nc=${nc}, qop=auth`
  );
}

describe.each(['UDP', 'TCP', 'WS'] as Kind[])('Kamailio over %s', (kind) => {
  it('answers OPTIONS with 200', async () => {
    const t = await transportFor(kind);
    const req = optionsRequest({ transport: kind, host: t.local.host, port: t.local.port || 5060 });
    const res = await exchange(t, req);
    expect(res.status).toBe(200);
    expect(res.cseq?.method).toBe('OPTIONS');
  });

  it('challenges an unauthenticated REGISTER with 401 and a digest WWW-Authenticate', async () => {
    const t = await transportFor(kind);
    const res = await exchange(
      t,
      register(t, 'bob', { callId: `reg401-${kind}-${Date.now()}`, cseq: 1, expires: 60 }),
    );
    expect(res.status).toBe(401);
    const [ch] = res.challenges;
    expect(ch?.scheme.toLowerCase()).toBe('digest');
    expect(ch?.params.get('realm')).toBe(KAMAILIO_DOMAIN);
    expect(ch?.params.get('nonce')).toBeTruthy();
  });
});

describe('Kamailio registrar through the rig helpers', () => {
  it('registers alice over TCP with a digest, shows the binding in ul.dump, and unregisters', async () => {
    const t = await transportFor('TCP');
    const callId = `reg-alice-${Date.now()}`;
    const first = await exchange(t, register(t, 'alice', { callId, cseq: 1, expires: 60 }));
    expect(first.status).toBe(401);
    const auth = digest(first.challenges[0]!, 'alice', KAMAILIO_USERS.alice, `sip:${KAMAILIO_DOMAIN}`);
    const ok = await exchange(t, register(t, 'alice', { callId, cseq: 2, expires: 60, auth }));
    expect(ok.status).toBe(200);
    const bindings = await kamailioBindings();
    const alice = bindings.find((b) => b.aor.startsWith('alice'));
    expect(alice?.contacts.some((c) => c.includes(`:${t.local.port}`))).toBe(true);

    const again = await exchange(t, register(t, 'alice', { callId, cseq: 3, expires: 0 }));
    expect(again.status).toBe(401);
    const auth2 = digest(again.challenges[0]!, 'alice', KAMAILIO_USERS.alice, `sip:${KAMAILIO_DOMAIN}`);
    const gone = await exchange(t, register(t, 'alice', { callId, cseq: 4, expires: 0, auth: auth2 }));
    expect(gone.status).toBe(200);
    expect((await kamailioBindings()).some((b) => b.aor.startsWith('alice'))).toBe(false);
  });
});
