import { createResponse, Headers, parseVia, type SipRequest, type SipResponse } from '@sipkit/parser';
import { VirtualClock } from '@sipkit/transport';
import { describe, expect, it } from 'vitest';
import { reconnectDestination, responseDestination, stampReceived, TransactionLayer } from '../src/index.js';
import { counterRandom, FakeNetwork } from './fake-network.js';
import { lines, makeRequest, PEER, rawRequest, recordingUser, setup, UA } from './helpers.js';

/** The response `status` to `request` as the peer sends it, with its top Via value replaced by `via`. */
function answerWithVia(request: SipRequest, via: string[], status = 200): SipResponse {
  const response = createResponse(request, status, { toTag: 'x' });
  response.headers.delete('via');
  for (const v of via) response.headers.append('Via', v);
  return response;
}

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

  it('writes no port in sent-by when the local port is 0 (WebSocket, RFC 7118)', async () => {
    const clock = new VirtualClock();
    const net = new FakeNetwork(clock);
    const ws = net.transport({ host: 'abcdefghijkl.invalid', port: 0 }, 'WSS');
    const server = net.transport(PEER, 'WSS');
    ws.peer = PEER;
    server.peer = ws.local;
    const layer = new TransactionLayer({ transport: ws, clock, random: counterRandom() });
    const tx = layer.request(makeRequest('REGISTER', 'sip:example.com'));
    const sent = net.log[0]!.message as SipRequest;
    expect(sent.headers.get('via')).toMatch(
      /^SIP\/2\.0\/WSS abcdefghijkl\.invalid;branch=z9hG4bK[0-9a-f]{20};rport$/,
    );
    expect(new TextDecoder().decode(net.log[0]!.bytes)).not.toContain('.invalid:0');
    // The registrar's answer (received and rport added, as Kamailio does) matches.
    const stamped = sent.topVia!;
    stamped.params.set('rport', '51000').set('received', '198.51.100.7');
    void server.send(answerWithVia(sent, [stamped.toString()]));
    clock.advance(5);
    expect((await tx.final).status).toBe(200);
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

describe('section 18.1.2 and 8.1.3.3: responses that are not ours', () => {
  it('discards a response whose top Via sent-by is not the one the layer inserted', () => {
    const env = setup();
    const user = recordingUser();
    env.layer.user = user;
    const tx = env.layer.request(makeRequest('OPTIONS'), { target: PEER });
    const branch = tx.request.topVia!.branch!;
    for (const via of [
      `SIP/2.0/UDP 203.0.113.99:9999;branch=${branch}`,
      `SIP/2.0/UDP ${UA.host}:5061;branch=${branch}`,
      `SIP/2.0/UDP ${UA.host};branch=${branch}`,
    ]) {
      void env.peer.send(answerWithVia(tx.request, [via]), UA);
      env.clock.advance(5);
      expect(tx.state).toBe('trying');
    }
    // Silently: the TU does not see them as strays either.
    expect(user.strays).toEqual([]);
  });

  it('accepts our sent-by with received and rport added, in other letter case and spelling', async () => {
    const env = setup();
    const tx = env.layer.request(makeRequest('OPTIONS'), { target: PEER });
    const branch = tx.request.topVia!.branch!;
    const via = `SIP/2.0/udp ${UA.host}:${UA.port};rport=40000;branch=${branch};received=203.0.113.7`;
    void env.peer.send(answerWithVia(tx.request, [via]), UA);
    env.clock.advance(5);
    expect((await tx.final).status).toBe(200);
  });

  it('compares with the Via the transaction sent, even when the transport moved since', async () => {
    const env = setup();
    const tx = env.layer.request(makeRequest('OPTIONS'), { target: PEER });
    (env.transport as { local: { host: string; port: number } }).local = { host: '192.0.2.99', port: 5099 };
    void env.peer.send(createResponse(tx.request, 200, { toTag: 'x' }), UA);
    env.clock.advance(5);
    expect((await tx.final).status).toBe(200);
  });

  it('hands a stray response to the TU only when its sent-by is this transport’s', () => {
    const env = setup();
    const user = recordingUser();
    env.layer.user = user;
    const stray = (via: string) =>
      env.peer.sendText(
        [
          'SIP/2.0 200 OK',
          `Via: ${via}`,
          'From: <sip:alice@example.com>;tag=a1',
          'To: <sip:bob@example.com>;tag=b',
          'Call-ID: stray',
          'CSeq: 1 INVITE',
          'Content-Length: 0',
          '',
          '',
        ].join('\r\n'),
        UA,
      );
    stray(`SIP/2.0/UDP 203.0.113.99:5060;branch=z9hG4bKother`);
    stray(`SIP/2.0/UDP ${UA.host}:${UA.port};branch=z9hG4bKgone;received=203.0.113.7`);
    env.clock.advance(5);
    expect(user.strays.map((r) => (r as SipResponse).topVia?.branch)).toEqual(['z9hG4bKgone']);
  });

  it('a UA discards a response with more than one Via (section 8.1.3.3)', () => {
    const env = setup();
    const user = recordingUser();
    env.layer.user = user;
    const tx = env.layer.request(makeRequest('OPTIONS'), { target: PEER });
    const ours = tx.request.headers.get('via')!;
    void env.peer.send(answerWithVia(tx.request, [ours, 'SIP/2.0/UDP 255.255.255.255;branch=z9hG4bKb']), UA);
    // One header line with two values counts as two Vias too.
    void env.peer.send(
      answerWithVia(tx.request, [`${ours}, SIP/2.0/UDP 255.255.255.255;branch=z9hG4bKb`]),
      UA,
    );
    env.clock.advance(5);
    expect(tx.state).toBe('trying');
    expect(user.strays).toEqual([]);
  });

  it('a proxy keeps the Vias of the hops before it: their responses still match', async () => {
    const env = setup('UDP', { role: 'proxy' });
    const forwarded = makeRequest('OPTIONS');
    forwarded.headers.prepend('Via', 'SIP/2.0/UDP 198.51.100.1:5060;branch=z9hG4bKupstream');
    const tx = env.layer.request(forwarded, { target: PEER });
    expect(tx.request.headers.typed('via')).toHaveLength(2);
    void env.peer.send(createResponse(tx.request, 200, { toTag: 'x' }), UA);
    env.clock.advance(5);
    const final = await tx.final;
    expect(final.status).toBe(200);
    expect(final.headers.typed('via')).toHaveLength(2);
  });
});

describe('section 18.2.2: a new connection when the request’s is gone', () => {
  const src = { host: '203.0.113.7', port: 40000 };
  it('goes to received (else the sent-by host) at the sent-by port, or 5060 / 5061', () => {
    const at = (via: string) => reconnectDestination(parseVia(via), src);
    expect(at('SIP/2.0/TCP 10.1.1.1:5062;branch=z9hG4bKx;received=203.0.113.7')).toEqual({
      host: '203.0.113.7',
      port: 5062,
    });
    expect(at('SIP/2.0/TCP client.example.com;branch=z9hG4bKx')).toEqual({
      host: 'client.example.com',
      port: 5060,
    });
    expect(at('SIP/2.0/TLS [2001:DB8::1];branch=z9hG4bKx')).toEqual({ host: '2001:db8::1', port: 5061 });
  });

  it('is nothing when that is the source again, or the transport is not TCP or TLS', () => {
    expect(reconnectDestination(parseVia('SIP/2.0/TCP 203.0.113.7:40000;branch=z9hG4bKx'), src)).toBe(
      undefined,
    );
    expect(reconnectDestination(parseVia('SIP/2.0/WSS a.invalid;branch=z9hG4bKx'), src)).toBe(undefined);
    expect(reconnectDestination(parseVia('SIP/2.0/UDP 10.1.1.1;branch=z9hG4bKx'), src)).toBe(undefined);
  });

  /** `open`: whether the transport reports the request's connection still open. */
  function refusingSource(protocol: 'TCP' | 'UDP', open = false) {
    const env = setup(protocol);
    const user = recordingUser();
    env.layer.user = user;
    const targets: string[] = [];
    const send = env.transport.send.bind(env.transport);
    env.transport.hasConnection = (peer) => open && peer.host === PEER.host && peer.port === PEER.port;
    // Dialling the source's ephemeral port fails, as it does once the connection is gone.
    env.transport.send = (data, target) => {
      targets.push(`${target?.host}:${target?.port}`);
      if (target?.port === PEER.port && !open) return Promise.reject(new Error('ECONNREFUSED'));
      return send(data, target);
    };
    return { ...env, user, targets };
  }

  it('once the request’s connection is closed, the layer goes straight to the sent-by port, never dialling the source', async () => {
    const env = refusingSource('TCP');
    env.peer.sendText(rawRequest('OPTIONS', { via: `SIP/2.0/TCP ${PEER.host}:5090;branch=z9hG4bKtcp` }), UA);
    env.clock.advance(5);
    const [tx, req] = env.user.requests[0]!;
    tx.respond(createResponse(req, 200, { toTag: 'x' }));
    await Promise.resolve();
    await Promise.resolve();
    expect(env.targets).toEqual([`${PEER.host}:5090`]);
    expect(env.user.failures).toEqual([]);
    expect(env.net.sentBy(UA).map((p) => p.to)).toEqual([{ host: PEER.host, port: 5090 }]);
  });

  it('while the request’s connection is open, the response goes over it', async () => {
    const env = refusingSource('TCP', true);
    env.peer.sendText(rawRequest('OPTIONS', { via: `SIP/2.0/TCP ${PEER.host}:5090;branch=z9hG4bKtcp` }), UA);
    env.clock.advance(5);
    const [tx, req] = env.user.requests[0]!;
    tx.respond(createResponse(req, 200, { toTag: 'x' }));
    await Promise.resolve();
    expect(env.targets).toEqual([`${PEER.host}:${PEER.port}`]);
    expect(env.net.sentBy(UA).map((p) => p.to)).toEqual([PEER]);
  });

  it('a transport that cannot tell whether it is open: the source is tried first, then the sent-by port', async () => {
    const env = refusingSource('TCP');
    env.transport.hasConnection = undefined;
    env.peer.sendText(rawRequest('OPTIONS', { via: `SIP/2.0/TCP ${PEER.host}:5090;branch=z9hG4bKtcp` }), UA);
    env.clock.advance(5);
    const [tx, req] = env.user.requests[0]!;
    tx.respond(createResponse(req, 200, { toTag: 'x' }));
    await new Promise((r) => setTimeout(r, 0));
    expect(env.targets).toEqual([`${PEER.host}:${PEER.port}`, `${PEER.host}:5090`]);
    expect(env.user.failures).toEqual([]);
  });

  it('reports the failure when the new connection fails too', async () => {
    const env = refusingSource('TCP');
    env.peer.sendText(rawRequest('OPTIONS', { via: `SIP/2.0/TCP ${PEER.host};branch=z9hG4bKtcp` }), UA);
    env.clock.advance(5);
    env.transport.failWith = new Error('ECONNREFUSED again');
    const [tx, req] = env.user.requests[0]!;
    tx.respond(createResponse(req, 200, { toTag: 'x' }));
    await new Promise((r) => setTimeout(r, 0));
    expect(env.targets).toEqual([`${PEER.host}:5060`]);
    expect(env.user.failures).toHaveLength(1);
    expect(env.layer.serverCount).toBe(0);
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

/** An INVITE from the peer, answered 180 by a recording TU: the transaction a CANCEL then meets. */
function ringingInvite(fields: Parameters<typeof rawRequest>[1]) {
  const env = setup();
  const user = recordingUser();
  env.layer.user = user;
  env.peer.sendText(rawRequest('INVITE', fields), UA);
  env.clock.advance(5);
  const [invite, req] = user.requests[0]!;
  invite.respond(createResponse(req, 180, { toTag: 'ring' }));
  return { env, user, invite };
}

describe('CANCEL', () => {
  it('matches the INVITE server transaction: 200 for the CANCEL, 487 for the INVITE (default TU behaviour)', () => {
    const { env, user, invite } = ringingInvite({ branch: 'z9hG4bKinv' });
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

  it('matches an RFC 2543 INVITE (no branch): 200 for the CANCEL, 487 for the INVITE', () => {
    const via = `SIP/2.0/UDP ${PEER.host}:${PEER.port}`;
    const { env, user, invite } = ringingInvite({ via, cseq: 7 });
    env.peer.sendText(rawRequest('CANCEL', { via, cseq: 7 }), UA);
    env.clock.advance(5);
    expect(lines(env.net, UA).map(([, l]) => l)).toEqual([
      'SIP/2.0 180 Ringing',
      'SIP/2.0 200 OK',
      'SIP/2.0 487 Request Terminated',
    ]);
    const [, ok, terminated] = env.net.sentBy(UA).map((p) => p.message as SipResponse);
    expect(ok!.cseq?.toString()).toBe('7 CANCEL');
    expect(terminated!.cseq?.toString()).toBe('7 INVITE');
    expect(terminated!.to?.tag).toBe('ring');
    expect(invite.state).toBe('completed');
    expect(user.requests).toHaveLength(1);
  });

  it('an RFC 2543 CANCEL for another CSeq matches nothing: 481', () => {
    const via = `SIP/2.0/UDP ${PEER.host}:${PEER.port}`;
    const { env, invite } = ringingInvite({ via, cseq: 7 });
    env.peer.sendText(rawRequest('CANCEL', { via, cseq: 8 }), UA);
    env.clock.advance(5);
    expect(lines(env.net, UA).map(([, l]) => l)).toEqual([
      'SIP/2.0 180 Ringing',
      'SIP/2.0 481 Call/Transaction Does Not Exist',
    ]);
    expect(invite.state).toBe('proceeding');
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
