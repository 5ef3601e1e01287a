import { createResponse, Headers, parseVia, type SipRequest, type SipResponse } from '@sipkit/parser';
import { describe, expect, it } from 'vitest';
import { responseDestination, stampReceived } from '../src/index.js';
import { lines, makeRequest, PEER, rawRequest, recordingUser, setup, UA } from './helpers.js';

describe('section 18: Via on sent requests', () => {
  it('puts a top Via with transport, sent-by, magic-cookie branch and rport', () => {
    const env = setup('TCP');
    const tx = env.layer.request(makeRequest('OPTIONS'), { target: PEER });
    const sent = env.net.log[0]!.message as SipRequest;
    const via = sent.topVia!;
    expect(via.transport).toBe('TCP');
    expect(via.host).toBe(UA.host);
    expect(via.port).toBe(UA.port);
    expect(via.rfc3261).toBe(true);
    expect(via.branch).toMatch(/^z9hG4bK[0-9a-f]{20}$/);
    expect(via.rport).toBe(true);
    expect(sent.maxForwards).toBe(70);
    expect(tx.request.topVia?.branch).toBe(via.branch);
  });

  it('writes the Via a request asks for: no rport, another transport token and sent-by host', async () => {
    const env = setup('TCP');
    env.layer.request(makeRequest('OPTIONS'), {
      target: PEER,
      via: { rport: false, transport: 'WSS', host: 'abc.invalid' },
    });
    const via = (env.net.log[0]!.message as SipRequest).topVia!;
    expect(via.transport).toBe('WSS');
    expect(via.host).toBe('abc.invalid');
    expect(via.port).toBe(UA.port);
    expect(via.rport).toBeUndefined();
    expect(via.params.has('rport')).toBe(false);
    // ACKs for 2xx take the same options.
    await env.layer.sendAck(makeRequest('ACK'), { target: PEER, via: { rport: false } });
    const ack = env.net.log.at(-1)!.message as SipRequest;
    expect(ack.topVia!.params.has('rport')).toBe(false);
    expect(ack.topVia!.transport).toBe('TCP');
  });

  it('uses a different branch for every transaction', () => {
    const env = setup();
    const a = env.layer.request(makeRequest('OPTIONS'), { target: PEER });
    const b = env.layer.request(makeRequest('OPTIONS'), { target: PEER });
    expect(a.request.topVia?.branch).not.toBe(b.request.topVia?.branch);
  });
});

describe('section 18: received and rport on received requests', () => {
  function viaOf(value: string, source = { host: '203.0.113.7', port: 40000 }) {
    const h = new Headers().append('Via', value).append('Via', 'SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKnext');
    stampReceived(h, source);
    return h;
  }

  it('adds received when sent-by differs from the source address', () => {
    const h = viaOf('SIP/2.0/UDP 10.1.1.1:5060;branch=z9hG4bKa');
    expect(h.getAll('via')).toEqual([
      'SIP/2.0/UDP 10.1.1.1:5060;branch=z9hG4bKa;received=203.0.113.7',
      'SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKnext',
    ]);
  });

  it('leaves the Via alone when sent-by is the source address and no rport was asked', () => {
    const h = viaOf('SIP/2.0/UDP 203.0.113.7:5060;branch=z9hG4bKa');
    expect(h.get('via')).toBe('SIP/2.0/UDP 203.0.113.7:5060;branch=z9hG4bKa');
  });

  it('fills rport with the source port and always adds received then (RFC 3581)', () => {
    const h = viaOf('SIP/2.0/UDP 203.0.113.7:5060;rport;branch=z9hG4bKa');
    expect(h.typed('via')[0]!.toString()).toBe(
      'SIP/2.0/UDP 203.0.113.7:5060;rport=40000;branch=z9hG4bKa;received=203.0.113.7',
    );
  });

  it('compares IPv6 sent-by without brackets', () => {
    const h = viaOf('SIP/2.0/UDP [2001:db8::1]:5060;branch=z9hG4bKa', { host: '2001:db8::1', port: 5060 });
    expect(h.typed('via')[0]!.received).toBeUndefined();
  });
});

describe('section 18.2.2: response destination', () => {
  const src = { host: '203.0.113.7', port: 40000 };
  it('reliable: back to the source (same connection)', () => {
    expect(
      responseDestination(parseVia('SIP/2.0/TCP a.example.com:5070;branch=z9hG4bKx'), src, true),
    ).toEqual(src);
  });
  it('maddr wins on unreliable transports', () => {
    const via = parseVia('SIP/2.0/UDP a.example.com:5070;maddr=239.1.1.1;branch=z9hG4bKx');
    expect(responseDestination(via, src, false)).toEqual({ host: '239.1.1.1', port: 5070 });
  });
  it('received with rport: source address and port', () => {
    const via = parseVia('SIP/2.0/UDP 10.1.1.1:5060;rport=40000;received=203.0.113.7;branch=z9hG4bKx');
    expect(responseDestination(via, src, false)).toEqual(src);
  });
  it('received without rport: received address, sent-by port', () => {
    const via = parseVia('SIP/2.0/UDP 10.1.1.1:5062;received=203.0.113.7;branch=z9hG4bKx');
    expect(responseDestination(via, src, false)).toEqual({ host: '203.0.113.7', port: 5062 });
  });
  it('sent-by with the default port 5060 (5061 for TLS)', () => {
    expect(responseDestination(parseVia('SIP/2.0/UDP 203.0.113.7;branch=z9hG4bKx'), src, false)).toEqual({
      host: '203.0.113.7',
      port: 5060,
    });
    expect(responseDestination(parseVia('SIP/2.0/TLS 203.0.113.7;branch=z9hG4bKx'), src, false).port).toBe(
      5061,
    );
  });

  it('the layer routes a response to received:rport for a NATed client', () => {
    const env = setup();
    const user = recordingUser();
    env.layer.user = user;
    // The peer claims a private sent-by but sends from PEER, and asks for rport.
    env.peer.sendText(
      rawRequest('OPTIONS', { via: 'SIP/2.0/UDP 10.9.9.9:5090;rport;branch=z9hG4bKnat' }),
      UA,
    );
    env.clock.advance(5);
    const [tx, req] = user.requests[0]!;
    expect(req.topVia?.received).toBe(PEER.host);
    expect(req.topVia?.rport).toBe(PEER.port);
    tx.respond(createResponse(req, 200, { toTag: 'x' }));
    const out = env.net.sentBy(UA)[0]!;
    expect(out.to).toEqual(PEER);
    // The response carries the stamped Via back.
    expect((out.message as SipResponse).topVia?.received).toBe(PEER.host);
  });
});

describe('matching', () => {
  it('responses match on branch and CSeq method; strays go to the TU', () => {
    const env = setup();
    const user = recordingUser();
    env.layer.user = user;
    const tx = env.layer.request(makeRequest('OPTIONS'), { target: PEER });
    const req = tx.request;
    // Same branch, different method: not this transaction.
    const wrong = createResponse(req, 200, { toTag: 'x' });
    wrong.headers.set('CSeq', '1 INFO');
    void env.peer.send(wrong, UA);
    env.clock.advance(5);
    expect(tx.state).toBe('trying');
    expect(user.strays).toHaveLength(1);
    void env.peer.send(createResponse(req, 200, { toTag: 'x' }), UA);
    env.clock.advance(5);
    expect(tx.state).toBe('completed');
  });

  it('requests with the same branch but another sent-by are different transactions', () => {
    const env = setup();
    const user = recordingUser();
    env.layer.user = user;
    env.peer.sendText(rawRequest('OPTIONS', { via: 'SIP/2.0/UDP h1.example.com;branch=z9hG4bKsame' }), UA);
    env.peer.sendText(
      rawRequest('OPTIONS', { via: 'SIP/2.0/UDP h2.example.com;branch=z9hG4bKsame', callId: 'other' }),
      UA,
    );
    env.clock.advance(5);
    expect(user.requests).toHaveLength(2);
  });

  it('RFC 2543 fallback: a request without branch is matched on its retransmission', () => {
    const env = setup();
    const user = recordingUser();
    env.layer.user = user;
    const text = rawRequest('INVITE', { via: `SIP/2.0/UDP ${PEER.host}:${PEER.port}` });
    env.peer.sendText(text, UA);
    env.clock.advance(5);
    const [tx, req] = user.requests[0]!;
    tx.respond(createResponse(req, 404, { toTag: 'old' }));
    env.peer.sendText(text, UA);
    env.clock.advance(5);
    expect(user.requests).toHaveLength(1);
    expect(lines(env.net, UA).map(([, l]) => l)).toEqual(['SIP/2.0 404 Not Found', 'SIP/2.0 404 Not Found']);
    // The ACK matches by To tag of the response sent (RFC 3261 17.2.3).
    env.peer.sendText(
      rawRequest('ACK', { via: `SIP/2.0/UDP ${PEER.host}:${PEER.port}`, cseqMethod: 'ACK', toTag: 'old' }),
      UA,
    );
    env.clock.advance(5);
    expect(tx.state).toBe('confirmed');
    expect(user.acks).toHaveLength(0);
  });

  it('a merged request (same From tag, Call-ID, CSeq; other branch) gets 482', () => {
    const env = setup();
    const user = recordingUser();
    env.layer.user = user;
    env.peer.sendText(rawRequest('INVITE', { branch: 'z9hG4bKpath1' }), UA);
    env.peer.sendText(rawRequest('INVITE', { branch: 'z9hG4bKpath2' }), UA);
    env.clock.advance(5);
    expect(user.requests).toHaveLength(1);
    expect(lines(env.net, UA).map(([, l]) => l)).toEqual(['SIP/2.0 482 Loop Detected']);
  });
});

describe('CANCEL', () => {
  it('matches the INVITE server transaction: 200 for the CANCEL, 487 for the INVITE (default TU behaviour)', () => {
    const env = setup();
    const user = recordingUser();
    env.layer.user = user;
    env.peer.sendText(rawRequest('INVITE', { branch: 'z9hG4bKinv' }), UA);
    env.clock.advance(5);
    const [invite, req] = user.requests[0]!;
    invite.respond(createResponse(req, 180, { toTag: 'ring' }));
    env.peer.sendText(rawRequest('CANCEL', { branch: 'z9hG4bKinv' }), UA);
    env.clock.advance(5);
    expect(lines(env.net, UA).map(([, l]) => l)).toEqual([
      'SIP/2.0 180 Ringing',
      'SIP/2.0 200 OK',
      'SIP/2.0 487 Request Terminated',
    ]);
    const r487 = env.net.sentBy(UA)[2]!.message as SipResponse;
    expect(r487.to?.tag).toBe('ring');
    expect(r487.cseq?.method).toBe('INVITE');
    expect(invite.state).toBe('completed');
    expect(user.requests).toHaveLength(1);
  });

  it('answers 481 to a CANCEL that matches nothing', () => {
    const env = setup();
    env.layer.user = recordingUser();
    env.peer.sendText(rawRequest('CANCEL', { branch: 'z9hG4bKnothing' }), UA);
    env.clock.advance(5);
    expect(lines(env.net, UA).map(([, l]) => l)).toEqual(['SIP/2.0 481 Call/Transaction Does Not Exist']);
  });

  it('hands the matched INVITE transaction to onCancel when the TU implements it', () => {
    const env = setup();
    const user = recordingUser();
    const cancels: unknown[] = [];
    env.layer.user = { ...user, onCancel: (_tx, _c, inv) => cancels.push(inv) };
    env.peer.sendText(rawRequest('INVITE', { branch: 'z9hG4bKinv' }), UA);
    env.clock.advance(5);
    env.peer.sendText(rawRequest('CANCEL', { branch: 'z9hG4bKinv' }), UA);
    env.clock.advance(5);
    expect(cancels).toEqual([user.requests[0]![0]]);
  });

  it('layer.cancel sends a CANCEL with the INVITE branch in its own transaction', async () => {
    const env = setup();
    const inv = env.layer.request(makeRequest('INVITE'), { target: PEER });
    env.peer.on('message', (m) => {
      if (m.kind !== 'request') return;
      if (m.method === 'INVITE') void env.peer.send(createResponse(m, 180, { toTag: 'r' }), UA);
      if (m.method === 'CANCEL') void env.peer.send(createResponse(m, 200, { toTag: 'r' }), UA);
    });
    env.clock.advance(10);
    if (inv.kind !== 'invite-client') throw new Error('kind');
    const cancel = env.layer.cancel(inv);
    env.clock.advance(10);
    expect((await cancel.final).status).toBe(200);
    const sent = cancel.request;
    expect(sent.method).toBe('CANCEL');
    expect(sent.topVia?.branch).toBe(inv.request.topVia?.branch);
    expect(sent.cseq?.toString()).toBe('1 CANCEL');
    expect(inv.state).toBe('proceeding');
  });

  it('layer.cancel refuses before any provisional', () => {
    const env = setup();
    const inv = env.layer.request(makeRequest('INVITE'), { target: PEER });
    if (inv.kind !== 'invite-client') throw new Error('kind');
    expect(() => env.layer.cancel(inv)).toThrow(/Proceeding|calling/);
  });
});

describe('ACK for 2xx', () => {
  it('sendAck adds a fresh Via branch and sends outside any transaction', async () => {
    const env = setup();
    const ack = makeRequest('ACK');
    await env.layer.sendAck(ack, { target: PEER });
    expect(ack.topVia?.rfc3261).toBe(true);
    expect(env.net.log).toHaveLength(1);
    expect(env.layer.clientCount).toBe(0);
    expect(() => env.layer.request(makeRequest('ACK'))).toThrow(/sendAck/);
  });

  it('an unmatched ACK goes to the TU', () => {
    const env = setup();
    const user = recordingUser();
    env.layer.user = user;
    env.peer.sendText(rawRequest('ACK', { cseqMethod: 'ACK', toTag: 'x' }), UA);
    env.clock.advance(5);
    expect(user.acks).toHaveLength(1);
    expect(lines(env.net, UA)).toEqual([]);
  });

  it('requests arriving without a TU are answered 503', () => {
    const env = setup();
    env.peer.sendText(rawRequest('OPTIONS'), UA);
    env.clock.advance(5);
    expect(lines(env.net, UA).map(([, l]) => l)).toEqual(['SIP/2.0 503 No Transaction User']);
  });
});
