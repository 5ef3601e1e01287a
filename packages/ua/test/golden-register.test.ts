import { fromJsSIP, fromPjsip, fromSipJs, fromSipJsLegacy, type UserAgentConfig } from '@sipkit/config';
import { VirtualClock } from '@sipkit/transport';
import { describe, expect, test } from 'vitest';
import { type TransportFactory, UserAgent } from '../src/index.js';
import { run } from './virtual-time.js';
import { expectWire, WirePeer } from './wire-harness.js';

/**
 * The first REGISTER each config adapter's user agent puts on the wire, every header line
 * (Via included), against the golden requests of REGISTRATION-BEHAVIOUR.md appendix A.
 */

async function firstRegister(
  config: UserAgentConfig,
  factory: (peer: WirePeer) => TransportFactory = (peer) => peer.webSocketFactory,
  wait = 100,
): Promise<string> {
  const clock = new VirtualClock();
  const peer = new WirePeer(clock);
  const ua = new UserAgent(config, { clock, transportFactory: factory(peer) });
  await ua.start();
  if (!config.registration.enabled) ua.register().catch(() => {});
  await run(clock, wait);
  const done = ua.stop();
  await run(clock, 100);
  await done;
  const register = peer.messages.find((m) => m.startsWith('REGISTER '));
  expect(register).toBeDefined();
  return register!;
}

const JSSIP = {
  uri: 'sip:alice@example.com',
  sockets: ['wss://edge.example.com'],
  password: 'x',
};

const SIPJS = {
  uri: 'sip:alice@example.com',
  authorizationPassword: 'x',
  transportOptions: { server: 'wss://edge.example.com' },
};

const SIPJS_ALLOW = 'Allow: ACK,CANCEL,INVITE,MESSAGE,BYE,OPTIONS,INFO,NOTIFY,REFER';

describe('first REGISTER through UserAgent, as appendix A writes it', () => {
  test('A.2 JsSIP: no rport, one transport=ws, Via host = Contact host', async () => {
    const via = expectWire(await firstRegister(fromJsSIP(JSSIP)), [
      'REGISTER sip:example.com SIP/2.0',
      'Via: SIP/2.0/WSS {via};branch=z9hG4bK{hex}',
      'Max-Forwards: 69',
      'To: <sip:alice@example.com>',
      'From: <sip:alice@example.com>;tag={10}',
      'Call-ID: {22}',
      'CSeq: 1 REGISTER',
      'Expires: 600',
      'Contact: <sip:{8}@{via};transport=ws>;+sip.ice;reg-id=1;+sip.instance="<urn:uuid:{uuid}>";expires=600',
      'Allow: INVITE,ACK,CANCEL,BYE,UPDATE,MESSAGE,OPTIONS,REFER,INFO,NOTIFY,SUBSCRIBE',
      'Supported: path,gruu,outbound',
      'User-Agent: JsSIP 3.13.8',
      'Content-Length: 0',
    ]);
    expect(via).toMatch(/^[a-z0-9]{12}\.invalid$/);
  });

  test('JsSIP socket via_transport and contact_uri: the Via says TCP and sends by the Contact host', async () => {
    const config = fromJsSIP({
      ...JSSIP,
      sockets: [{ url: 'wss://edge.example.com', via_transport: 'TCP' }] as never,
      contact_uri: 'sip:me@client.example.org;transport=ws',
    });
    const via = expectWire(await firstRegister(config), [
      'REGISTER sip:example.com SIP/2.0',
      'Via: SIP/2.0/TCP {via};branch=z9hG4bK{hex}',
      'Max-Forwards: 69',
      'To: <sip:alice@example.com>',
      'From: <sip:alice@example.com>;tag={10}',
      'Call-ID: {22}',
      'CSeq: 1 REGISTER',
      'Expires: 600',
      'Contact: <sip:me@client.example.org;transport=ws>;+sip.ice;reg-id=1;+sip.instance="<urn:uuid:{uuid}>";expires=600',
      'Allow: INVITE,ACK,CANCEL,BYE,UPDATE,MESSAGE,OPTIONS,REFER,INFO,NOTIFY,SUBSCRIBE',
      'Supported: path,gruu,outbound',
      'User-Agent: JsSIP 3.13.8',
      'Content-Length: 0',
    ]);
    expect(via).toBe('client.example.org');
  });

  test('A.3 SIP.js 0.21: no rport, no reg-id, Supported once', async () => {
    const via = expectWire(await firstRegister(fromSipJs(SIPJS)), [
      'REGISTER sip:example.com SIP/2.0',
      'Via: SIP/2.0/WSS {via};branch=z9hG4bK{hex}',
      'To: <sip:alice@example.com>',
      'From: <sip:alice@example.com>;tag={10}',
      'CSeq: 2 REGISTER',
      'Call-ID: {20}',
      'Max-Forwards: 70',
      'Contact: <sip:{8}@{via};transport=ws>;expires=600',
      SIPJS_ALLOW,
      'Supported: outbound, path, gruu',
      'User-Agent: SIP.js/0.21.2',
      'Content-Length: 0',
    ]);
    expect(via).toMatch(/^[a-z0-9]{12}\.invalid$/);
  });

  test('SIP.js 0.21 hacks: forceRport, hackViaTcp, hackIpInContact, extra option tags (hackWssInTransport is 0.7 only)', async () => {
    const config = fromSipJs({
      ...SIPJS,
      forceRport: true,
      hackViaTcp: true,
      hackIpInContact: true,
      hackWssInTransport: true,
      sipExtensionExtraSupported: ['timer', 'path'],
    } as never);
    const via = expectWire(await firstRegister(config), [
      'REGISTER sip:example.com SIP/2.0',
      'Via: SIP/2.0/TCP {via};branch=z9hG4bK{hex};rport',
      'To: <sip:alice@example.com>',
      'From: <sip:alice@example.com>;tag={10}',
      'CSeq: 2 REGISTER',
      'Call-ID: {20}',
      'Max-Forwards: 70',
      'Contact: <sip:{8}@{via};transport=ws>;expires=600',
      SIPJS_ALLOW,
      'Supported: outbound, path, gruu, timer',
      'User-Agent: SIP.js/0.21.2',
      'Content-Length: 0',
    ]);
    expect(via).toMatch(/^192\.0\.2\.([1-9]|[1-9]\d|1\d\d|2[0-4]\d|25[0-4])$/);
  });

  test('SIP.js 0.21 viaHost is the Via sent-by as well as the Contact host', async () => {
    const via = expectWire(await firstRegister(fromSipJs({ ...SIPJS, viaHost: 'ua.example.net' })), [
      'REGISTER sip:example.com SIP/2.0',
      'Via: SIP/2.0/WSS {via};branch=z9hG4bK{hex}',
      'To: <sip:alice@example.com>',
      'From: <sip:alice@example.com>;tag={10}',
      'CSeq: 2 REGISTER',
      'Call-ID: {20}',
      'Max-Forwards: 70',
      'Contact: <sip:{8}@{via};transport=ws>;expires=600',
      SIPJS_ALLOW,
      'Supported: outbound, path, gruu',
      'User-Agent: SIP.js/0.21.2',
      'Content-Length: 0',
    ]);
    expect(via).toBe('ua.example.net');
  });

  test('A.4 SIP.js 0.7: CSeq 81, reg-id and instance, extraSupported after its own tags', async () => {
    const config = fromSipJsLegacy({
      uri: 'sip:alice@example.com',
      password: 'x',
      wsServers: 'wss://edge.example.com',
      extraSupported: ['timer', 'outbound'],
    });
    const via = expectWire(await firstRegister(config), [
      'REGISTER sip:example.com SIP/2.0',
      'Via: SIP/2.0/WSS {via};branch=z9hG4bK{hex}',
      'To: <sip:alice@example.com>',
      'From: <sip:alice@example.com>;tag={10}',
      'CSeq: 81 REGISTER',
      'Call-ID: {22}',
      'Max-Forwards: 70',
      'Contact: <sip:{8}@{via};transport=ws>;reg-id=1;+sip.instance="<urn:uuid:{uuid}>";expires=600',
      SIPJS_ALLOW,
      'Supported: path, gruu, outbound, timer',
      'User-Agent: SIP.js/0.7.8',
      'Content-Length: 0',
    ]);
    expect(via).toMatch(/^[a-z0-9]{12}\.invalid$/);
  });

  test('SIP.js 0.7 hackWssInTransport and hack_ip_in_contact: one transport=wss, Via host = Contact host', async () => {
    const config = fromSipJsLegacy({
      uri: 'sip:alice@example.com',
      password: 'x',
      wsServers: 'wss://edge.example.com',
      hackWssInTransport: true,
      hack_ip_in_contact: '198.51.100.7',
      force_rport: true,
    } as never);
    const via = expectWire(await firstRegister(config), [
      'REGISTER sip:example.com SIP/2.0',
      'Via: SIP/2.0/WSS {via};branch=z9hG4bK{hex};rport',
      'To: <sip:alice@example.com>',
      'From: <sip:alice@example.com>;tag={10}',
      'CSeq: 81 REGISTER',
      'Call-ID: {22}',
      'Max-Forwards: 70',
      'Contact: <sip:{8}@{via};transport=wss>;reg-id=1;+sip.instance="<urn:uuid:{uuid}>";expires=600',
      SIPJS_ALLOW,
      'Supported: path, gruu, outbound',
      'User-Agent: SIP.js/0.7.8',
      'Content-Length: 0',
    ]);
    expect(via).toBe('198.51.100.7');
  });

  test('A.1 Asterisk over UDP: rport, local address in Via and Contact, no transport parameter', async () => {
    const config = fromPjsip(
      [
        '[t-udp]',
        'type=transport',
        'protocol=udp',
        '',
        '[prov]',
        'type=registration',
        'server_uri=sip:sip.example.com',
        'client_uri=sip:1000@sip.example.com',
        'contact_user=1000',
        'line=yes',
        'endpoint=prov',
        'expiration=600',
        'transport=t-udp',
        'max_random_initial_delay=0',
      ].join('\n'),
    );
    const text = await firstRegister(
      config,
      (peer) => peer.datagramFactory({ host: '192.0.2.10', port: 5060 }),
      1100,
    );
    expectWire(text, [
      'REGISTER sip:sip.example.com SIP/2.0',
      // pjsip writes `;rport;branch=`: parameter order carries no meaning (RFC 3261 section 7.3.1).
      'Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK{hex};rport',
      'From: <sip:1000@sip.example.com>;tag={32}',
      'To: <sip:1000@sip.example.com>',
      'Call-ID: {uuid}',
      'CSeq: {n} REGISTER',
      'Contact: <sip:1000@192.0.2.10:5060;line={a-z:7}>',
      'Expires: 600',
      'Allow: OPTIONS, REGISTER, SUBSCRIBE, NOTIFY, PUBLISH, INVITE, ACK, BYE, CANCEL, UPDATE, PRACK, INFO, MESSAGE, REFER',
      'Max-Forwards: 70',
      'User-Agent: Asterisk PBX{*}',
      'Content-Length: 0',
    ]);
  });

  test('Asterisk server_uri transport=tcp: one transport=TCP on the Contact, Supported path/outbound once', async () => {
    const config = fromPjsip(
      [
        '[prov]',
        'type=registration',
        'server_uri=sip:sip.example.com\\;transport=tcp',
        'client_uri=sip:1000@sip.example.com',
        'support_path=yes',
        'support_outbound=yes',
        'max_random_initial_delay=0',
      ].join('\n'),
    );
    const text = await firstRegister(
      config,
      (peer) => peer.datagramFactory({ host: '192.0.2.10', port: 5070 }),
      1100,
    );
    const lines = text.split('\r\n');
    expect(lines.filter((l) => l.startsWith('Contact:'))).toEqual([
      'Contact: <sip:s@192.0.2.10:5070;transport=TCP>',
    ]);
    expect(lines.filter((l) => l.startsWith('Supported:'))).toEqual(['Supported: path, outbound']);
  });
});
