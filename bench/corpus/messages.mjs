/**
 * The mixed corpus: realistic SIP messages as a WebRTC softphone and the proxies in front of it
 * see them (JsSIP / SIP.js style WebSocket traffic, Kamailio-style proxies). Every message is
 * written as text with CRLF line ends and given to the parsers as bytes and as strings.
 *
 * Values are made up but shaped like real traffic: random-looking tags, branches and Call-IDs of
 * the usual lengths, `.invalid` WebSocket hosts, a Chrome-style SDP offer. The digest response in
 * the REGISTER is random hex, not derived from any password.
 */

/** Joins header lines with CRLF, ends the header section and fills in Content-Length. */
function message(startLine, headers, body = '') {
  const bodyBytes = new TextEncoder().encode(body).length;
  const lines = [startLine, ...headers.map((h) => h.replace('{len}', String(bodyBytes)))];
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

const SDP_OFFER = [
  'v=0',
  'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0',
  'a=extmap-allow-mixed',
  'a=msid-semantic: WMS 3f1c2b0e-6a4d-4b8e-9c3f-2d7e5a1b9c44',
  'm=audio 53412 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126',
  'c=IN IP4 203.0.113.57',
  'a=rtcp:9 IN IP4 0.0.0.0',
  'a=candidate:2999745851 1 udp 2122260223 192.168.1.23 53412 typ host generation 0 network-id 1 network-cost 10',
  'a=candidate:1606961068 1 udp 1686052607 203.0.113.57 53412 typ srflx raddr 192.168.1.23 rport 53412 generation 0 network-id 1 network-cost 10',
  'a=candidate:4233069003 1 tcp 1518280447 192.168.1.23 9 typ host tcptype active generation 0 network-id 1 network-cost 10',
  'a=ice-ufrag:Xq3b',
  'a=ice-pwd:8pQ2vR7kLm4Tz9Yc1Nw6Hs0D',
  'a=ice-options:trickle',
  'a=fingerprint:sha-256 7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:08',
  'a=setup:actpass',
  'a=mid:0',
  'a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level',
  'a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
  'a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
  'a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid',
  'a=sendrecv',
  'a=msid:3f1c2b0e-6a4d-4b8e-9c3f-2d7e5a1b9c44 8a2d4e61-0c5b-4f7a-b3d9-6e1f2a7c8d90',
  'a=rtcp-mux',
  'a=rtpmap:111 opus/48000/2',
  'a=rtcp-fb:111 transport-cc',
  'a=fmtp:111 minptime=10;useinbandfec=1',
  'a=rtpmap:63 red/48000/2',
  'a=fmtp:63 111/111',
  'a=rtpmap:9 G722/8000',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:13 CN/8000',
  'a=rtpmap:110 telephone-event/48000',
  'a=rtpmap:126 telephone-event/8000',
  'a=ssrc:1822431705 cname:k7Qm2Zp9Xw4Rt1Vb',
  'a=ssrc:1822431705 msid:3f1c2b0e-6a4d-4b8e-9c3f-2d7e5a1b9c44 8a2d4e61-0c5b-4f7a-b3d9-6e1f2a7c8d90',
  '',
].join('\r\n');

/** Five proxies' Vias, as an intermediate proxy sees a response (topmost first). */
const FIVE_VIAS = [
  'Via: SIP/2.0/UDP 10.20.1.15:5060;branch=z9hG4bK2b3c.8e9a1f0d4c6b7e2a5d8f1c3b.0',
  'Via: SIP/2.0/UDP 10.20.1.11:5060;branch=z9hG4bK9f1e.4d2c7a6b8e0f3a5c1d9b2e7f.0;received=10.20.1.11',
  'Via: SIP/2.0/TCP 172.16.4.2:5060;branch=z9hG4bKa7d3.1c8e6f2b9a4d0e7c5f3b8a1d.0;rport=5060',
  'Via: SIP/2.0/TLS 198.51.100.20:5061;branch=z9hG4bK4e6f.0a9b3c7d1e5f8a2b6c4d0e9f.1;rport=5061;received=198.51.100.20',
  'Via: SIP/2.0/WSS 6q0m8d2kx7ab.invalid;branch=z9hG4bK7406519;rport=58213;received=203.0.113.57',
];

/**
 * The corpus as `{ name, text }`, in the order the benchmark parses them. Each describes what a
 * WebRTC user agent or its proxy receives in an ordinary registration and call.
 */
export const CORPUS = [
  {
    name: 'REGISTER with Authorization',
    text: message('REGISTER sip:sip.example.com SIP/2.0', [
      'Via: SIP/2.0/WSS 6q0m8d2kx7ab.invalid;branch=z9hG4bK5820331',
      'Max-Forwards: 69',
      'To: <sip:alice@sip.example.com>',
      'From: "Alice Liddell" <sip:alice@sip.example.com>;tag=hl8vdm3h2q',
      'Call-ID: 7ntk9fmfq3vo1ue1u3k0pj',
      'CSeq: 2 REGISTER',
      'Authorization: Digest algorithm=MD5, username="alice", realm="sip.example.com", nonce="Zk7h2WZ+9mJb1tL0gk5vQ3Xx4Yp2a8cE", uri="sip:sip.example.com", response="3f9c2e7b1a8d4c6e0f5b9a2d7e1c4b8a", opaque="8c7a1b2e", qop=auth, cnonce="s5j4q1u6ppr2", nc=00000001',
      'Contact: <sip:2kp4fu0r@6q0m8d2kx7ab.invalid;transport=ws>;+sip.ice;reg-id=1;+sip.instance="<urn:uuid:3c0f4b8a-1d2e-4f6a-9b7c-5e8d0a2f1c34>";expires=600',
      'Expires: 600',
      'Allow: INVITE,ACK,CANCEL,BYE,UPDATE,MESSAGE,OPTIONS,REFER,INFO,NOTIFY',
      'Supported: path,gruu,outbound',
      'User-Agent: JsSIP 3.13.8',
      'Content-Length: {len}',
    ]),
  },
  {
    name: '401 Unauthorized',
    text: message('SIP/2.0 401 Unauthorized', [
      'Via: SIP/2.0/WSS 6q0m8d2kx7ab.invalid;branch=z9hG4bK2250167;rport=58213;received=203.0.113.57',
      'To: <sip:alice@sip.example.com>;tag=37GkEhwl6',
      'From: "Alice Liddell" <sip:alice@sip.example.com>;tag=hl8vdm3h2q',
      'Call-ID: 7ntk9fmfq3vo1ue1u3k0pj',
      'CSeq: 1 REGISTER',
      'WWW-Authenticate: Digest realm="sip.example.com", nonce="Zk7h2WZ+9mJb1tL0gk5vQ3Xx4Yp2a8cE", opaque="8c7a1b2e", algorithm=MD5, qop="auth"',
      'Server: kamailio (5.7.4 (x86_64/linux))',
      'Content-Length: {len}',
    ]),
  },
  {
    name: '200 OK (REGISTER), 4 Contacts',
    text: message('SIP/2.0 200 OK', [
      'Via: SIP/2.0/WSS 6q0m8d2kx7ab.invalid;branch=z9hG4bK5820331;rport=58213;received=203.0.113.57',
      'To: <sip:alice@sip.example.com>;tag=37GkEhwl6.b3f1',
      'From: "Alice Liddell" <sip:alice@sip.example.com>;tag=hl8vdm3h2q',
      'Call-ID: 7ntk9fmfq3vo1ue1u3k0pj',
      'CSeq: 2 REGISTER',
      'Contact: <sip:2kp4fu0r@6q0m8d2kx7ab.invalid;transport=ws>;expires=600;+sip.instance="<urn:uuid:3c0f4b8a-1d2e-4f6a-9b7c-5e8d0a2f1c34>";reg-id=1, <sip:alice@198.51.100.77:5060>;expires=1800;q=0.5',
      'Contact: <sip:alice@[2001:db8::7]:5061;transport=tls>;expires=3412;+sip.instance="<urn:uuid:9d8e7f6a-5b4c-4d3e-8f2a-1b0c9d8e7f6a>";reg-id=1',
      'Contact: "Desk phone" <sip:alice@10.1.2.3:5060;line=9f2k7d>;expires=213;q=0.9',
      'Path: <sip:edge1.sip.example.com;lr;ob>',
      'Date: Tue, 14 Jan 2025 10:21:37 GMT',
      'Server: kamailio (5.7.4 (x86_64/linux))',
      'Content-Length: {len}',
    ]),
  },
  {
    name: 'INVITE, WebRTC SDP offer',
    text: message(
      'INVITE sip:bob@sip.example.com SIP/2.0',
      [
        'Via: SIP/2.0/WSS 6q0m8d2kx7ab.invalid;branch=z9hG4bK7406519',
        'Max-Forwards: 69',
        'To: <sip:bob@sip.example.com>',
        'From: "Alice Liddell" <sip:alice@sip.example.com>;tag=r0b6c6ivfq',
        'Call-ID: 2ugs1qtknrba0cpeh8i3b5',
        'CSeq: 4711 INVITE',
        'Contact: <sip:2kp4fu0r@6q0m8d2kx7ab.invalid;transport=ws;ob>',
        'Content-Type: application/sdp',
        'Session-Expires: 90',
        'Allow: INVITE,ACK,CANCEL,BYE,UPDATE,MESSAGE,OPTIONS,REFER,INFO,NOTIFY',
        'Supported: timer,ice,replaces,outbound',
        'User-Agent: JsSIP 3.13.8',
        'Content-Length: {len}',
      ],
      SDP_OFFER,
    ),
  },
  {
    name: '180 Ringing, Record-Route, 5 Vias',
    text: message('SIP/2.0 180 Ringing', [
      ...FIVE_VIAS,
      'Record-Route: <sip:10.20.1.15;r2=on;lr;ftag=r0b6c6ivfq;did=3a1.b7e2>',
      'Record-Route: <sip:10.20.1.11;transport=udp;lr;ftag=r0b6c6ivfq>',
      'Record-Route: <sip:edge1.sip.example.com;transport=ws;r2=on;lr;ftag=r0b6c6ivfq>',
      'To: <sip:bob@sip.example.com>;tag=as5e1f7a3c',
      'From: "Alice Liddell" <sip:alice@sip.example.com>;tag=r0b6c6ivfq',
      'Call-ID: 2ugs1qtknrba0cpeh8i3b5',
      'CSeq: 4711 INVITE',
      'Contact: <sip:bob@198.51.100.42:5060;transport=udp>',
      'Allow: INVITE, ACK, CANCEL, OPTIONS, BYE, REFER, SUBSCRIBE, NOTIFY, INFO, PUBLISH, MESSAGE',
      'Supported: replaces, timer',
      'Server: Asterisk PBX 20.5.2',
      'Content-Length: {len}',
    ]),
  },
  {
    name: 'BYE',
    text: message('BYE sip:bob@198.51.100.42:5060;transport=udp SIP/2.0', [
      'Via: SIP/2.0/WSS 6q0m8d2kx7ab.invalid;branch=z9hG4bK1209452',
      'Max-Forwards: 69',
      'Route: <sip:edge1.sip.example.com;transport=ws;r2=on;lr;ftag=r0b6c6ivfq>',
      'Route: <sip:10.20.1.11;transport=udp;lr;ftag=r0b6c6ivfq>',
      'Route: <sip:10.20.1.15;r2=on;lr;ftag=r0b6c6ivfq;did=3a1.b7e2>',
      'To: <sip:bob@sip.example.com>;tag=as5e1f7a3c',
      'From: "Alice Liddell" <sip:alice@sip.example.com>;tag=r0b6c6ivfq',
      'Call-ID: 2ugs1qtknrba0cpeh8i3b5',
      'CSeq: 4712 BYE',
      'Supported: outbound',
      'User-Agent: JsSIP 3.13.8',
      'Content-Length: {len}',
    ]),
  },
  {
    name: 'OPTIONS',
    text: message('OPTIONS sip:2kp4fu0r@6q0m8d2kx7ab.invalid;transport=ws SIP/2.0', [
      'Via: SIP/2.0/WSS 192.0.2.10:443;branch=z9hG4bK0c7a.6f3e2d1b0a9c8e7f5d4c3b2a1e0f9d8c.0',
      'Max-Forwards: 70',
      'To: <sip:alice@sip.example.com>',
      'From: <sip:keepalive@sip.example.com>;tag=60f1a52e93d4b7c8',
      'Call-ID: 4f1e9a2b7c3d8e5f6a0b1c2d3e4f5a6b@192.0.2.10',
      'CSeq: 10 OPTIONS',
      'Contact: <sip:keepalive@192.0.2.10:443;transport=wss>',
      'Accept: application/sdp',
      'User-Agent: kamailio (5.7.4 (x86_64/linux))',
      'Content-Length: {len}',
    ]),
  },
  {
    name: 'MESSAGE',
    text: message(
      'MESSAGE sip:bob@sip.example.com SIP/2.0',
      [
        'Via: SIP/2.0/WSS 6q0m8d2kx7ab.invalid;branch=z9hG4bK8813520',
        'Max-Forwards: 69',
        'To: "Bob" <sip:bob@sip.example.com>',
        'From: "Alice Liddell" <sip:alice@sip.example.com>;tag=2p5k0v9uqe',
        'Call-ID: 9a6rt3jpq8e7u1mlc2nd0o',
        'CSeq: 1 MESSAGE',
        'Content-Type: text/plain;charset=utf-8',
        'Allow: INVITE,ACK,CANCEL,BYE,UPDATE,MESSAGE,OPTIONS,REFER,INFO,NOTIFY',
        'Supported: outbound',
        'User-Agent: JsSIP 3.13.8',
        'Content-Length: {len}',
      ],
      'Are you joining the 11:30 call? I will send the dial-in number in a minute.',
    ),
  },
  {
    name: 'NOTIFY (message-summary)',
    text: message(
      'NOTIFY sip:2kp4fu0r@6q0m8d2kx7ab.invalid;transport=ws SIP/2.0',
      [
        'Via: SIP/2.0/WSS 192.0.2.10:443;branch=z9hG4bK5d2f.9e8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a.0',
        'Via: SIP/2.0/UDP 198.51.100.42:5060;rport=5060;branch=z9hG4bKPj1f0e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b',
        'Max-Forwards: 69',
        'From: <sip:alice@sip.example.com>;tag=8f6e4d2c-1b3a-4c5d-9e7f-0a2b4c6d8e0f',
        'To: <sip:alice@sip.example.com>;tag=c83mq1rl0h',
        'Contact: <sip:alice@198.51.100.42:5060>',
        'Call-ID: 1d3ptf6eh2qr9j0u5o7skv',
        'CSeq: 3 NOTIFY',
        'Event: message-summary',
        'Subscription-State: active;expires=3577',
        'Content-Type: application/simple-message-summary',
        'Server: Asterisk PBX 20.5.2',
        'Content-Length: {len}',
      ],
      'Messages-Waiting: yes\r\nMessage-Account: sip:*97@sip.example.com\r\nVoice-Message: 2/8 (0/2)\r\n',
    ),
  },
  {
    name: '200 OK (OPTIONS), compact headers',
    text: message('SIP/2.0 200 OK', [
      'v: SIP/2.0/WSS 192.0.2.10:443;branch=z9hG4bK0c7a.6f3e2d1b0a9c8e7f5d4c3b2a1e0f9d8c.0',
      't: <sip:alice@sip.example.com>;tag=ft1oq3h5v8',
      'f: <sip:keepalive@sip.example.com>;tag=60f1a52e93d4b7c8',
      'i: 4f1e9a2b7c3d8e5f6a0b1c2d3e4f5a6b@192.0.2.10',
      'CSeq: 10 OPTIONS',
      'm: <sip:2kp4fu0r@6q0m8d2kx7ab.invalid;transport=ws>',
      'k: outbound,path,gruu',
      'l: {len}',
    ]),
  },
];
