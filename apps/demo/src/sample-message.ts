/** A REGISTER with digest credentials, shown when the demo is run without a file. */
export const SAMPLE_REGISTER = [
  'REGISTER sip:example.test SIP/2.0',
  'Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK776asdhds;rport',
  'Max-Forwards: 70',
  'To: "Alice" <sip:alice@example.test>',
  'From: "Alice" <sip:alice@example.test>;tag=1928301774',
  'Call-ID: a84b4c76e66710@127.0.0.1',
  'CSeq: 2 REGISTER',
  'Contact: <sip:alice@127.0.0.1:5070;transport=udp>;expires=600;+sip.instance="<urn:uuid:00000000-0000-1000-8000-000A95A0E128>";reg-id=1',
  'Authorization: Digest username="alice", realm="example.test", nonce="ea9c8e88df84f1cec4341ae6cbe5a359", uri="sip:example.test", response="dfe56131d1958046689d83306477ecc", algorithm=MD5',
  'Supported: path, outbound, gruu',
  'Content-Length: 0',
  '',
  '',
].join('\r\n');
