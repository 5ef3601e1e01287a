import { describe, expect, it } from 'vitest';
import { challenge, flush, lines, ok, setup } from './helpers.js';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}';

function expectLines(actual: string[], patterns: (string | RegExp)[]): void {
  expect(actual).toHaveLength(patterns.length);
  patterns.forEach((p, i) => {
    if (typeof p === 'string') expect(actual[i]).toBe(p);
    else expect(actual[i]).toMatch(p);
  });
}

describe('golden REGISTERs of Appendix A (Via is added by the transaction layer)', () => {
  it('A.2 JsSIP: first REGISTER, authenticated resend and refresh', async () => {
    const { reg, sender, clock } = setup('jssip', { userAgent: 'JsSIP 3.13.8' });
    sender.answer(challenge(), ok(600));
    await reg.register();
    const [first, authed] = sender.sent;
    expectLines(lines(first!), [
      'REGISTER sip:example.com SIP/2.0',
      'Max-Forwards: 69',
      'To: <sip:alice@example.com>',
      /^From: <sip:alice@example\.com>;tag=[0-9a-v]{10}$/,
      /^Call-ID: [0-9A-Za-z]{22}$/,
      'CSeq: 1 REGISTER',
      'Expires: 600',
      new RegExp(
        `^Contact: <sip:[0-9a-v]{8}@abcdefghijkl\\.invalid;transport=ws>;\\+sip\\.ice;reg-id=1;\\+sip\\.instance="<urn:uuid:${UUID}>";expires=600$`,
      ),
      'Allow: INVITE,ACK,CANCEL,BYE,UPDATE,MESSAGE,OPTIONS,REFER,INFO,NOTIFY,SUBSCRIBE',
      'Supported: path,gruu,outbound',
      'User-Agent: JsSIP 3.13.8',
    ]);
    // The authenticated resend: CSeq 2, same From tag, Authorization after CSeq.
    expect(authed!.cseq?.seq).toBe(2);
    expect(authed!.from?.tag).toBe(first!.from?.tag);
    expect(lines(authed!)[6]).toMatch(/^Authorization: Digest /);
    // The refresh: CSeq 3, a new From tag, no Authorization.
    sender.answer(ok(600));
    clock.next();
    await flush();
    const refresh = sender.last;
    expect(refresh.cseq?.seq).toBe(3);
    expect(refresh.from?.tag).not.toBe(first!.from?.tag);
    expect(refresh.headers.has('authorization')).toBe(false);
    expect(refresh.callId).toBe(first!.callId);
    await reg.stop();
  });

  it('A.3 SIP.js 0.21: first REGISTER, Authorization kept on later REGISTERs', async () => {
    const { reg, sender, clock } = setup('sipjs', { userAgent: 'SIP.js/0.21.2' });
    sender.answer(challenge(), ok(600));
    await reg.register();
    const [first, authed] = sender.sent;
    expectLines(lines(first!), [
      'REGISTER sip:example.com SIP/2.0',
      'To: <sip:alice@example.com>',
      /^From: <sip:alice@example\.com>;tag=[0-9a-v]{10}$/,
      'CSeq: 2 REGISTER',
      /^Call-ID: [0-9A-Za-z]{20}$/,
      'Max-Forwards: 70',
      /^Contact: <sip:[0-9a-v]{8}@abcdefghijkl\.invalid;transport=ws>;expires=600$/,
      'Allow: ACK,CANCEL,INVITE,MESSAGE,BYE,OPTIONS,INFO,NOTIFY,REFER',
      'Supported: outbound, path, gruu',
      'User-Agent: SIP.js/0.21.2',
    ]);
    expect(authed!.cseq?.seq).toBe(3);
    expect(lines(authed!)[6]).toMatch(/^Authorization: Digest .*nonce="n1"/);
    sender.answer(ok(600));
    clock.next();
    await flush();
    const refresh = sender.last;
    expect(refresh.cseq?.seq).toBe(4);
    expect(refresh.from?.tag).toBe(first!.from?.tag);
    expect(refresh.headers.get('authorization')).toBe(authed!.headers.get('authorization'));
    await reg.stop();
    // The un-REGISTER carries it too.
    expect(sender.last.headers.get('authorization')).toBe(authed!.headers.get('authorization'));
  });

  it('A.4 SIP.js 0.7.8: CSeq 81, reg-id and instance, Supported order', async () => {
    const { reg, sender } = setup('sipjs-legacy', { userAgent: 'SIP.js/0.7.8' });
    sender.answer(ok(600));
    await reg.register();
    expectLines(lines(sender.sent[0]!), [
      'REGISTER sip:example.com SIP/2.0',
      'To: <sip:alice@example.com>',
      /^From: <sip:alice@example\.com>;tag=[0-9a-v]{10}$/,
      'CSeq: 81 REGISTER',
      /^Call-ID: [0-9A-Za-z]{22}$/,
      'Max-Forwards: 70',
      new RegExp(
        `^Contact: <sip:[0-9a-v]{8}@abcdefghijkl\\.invalid;transport=ws>;reg-id=1;\\+sip\\.instance="<urn:uuid:${UUID}>";expires=600$`,
      ),
      'Allow: ACK,CANCEL,INVITE,MESSAGE,BYE,OPTIONS,INFO,NOTIFY,REFER',
      'Supported: path, gruu, outbound',
      'User-Agent: SIP.js/0.7.8',
    ]);
    reg.dispose();
  });

  it('A.1 Asterisk: the wire sketch of [prov]', async () => {
    const { reg, sender, clock } = setup('asterisk', {
      aor: 'sip:1000@sip.example.com',
      registrar: 'sip:sip.example.com',
      expires: 600,
      contact: { user: '1000', line: true },
      userAgent: 'Asterisk PBX 22.0.0',
    });
    sender.local = { host: '192.0.2.10', port: 5060, transport: 'udp' };
    sender.answer(challenge(), ok(300));
    const done = reg.register();
    await flush();
    // The first REGISTER waits for the initial delay.
    expect(sender.sent).toHaveLength(0);
    clock.next();
    await flush();
    await done;
    const [first, authed] = sender.sent;
    expectLines(lines(first!), [
      'REGISTER sip:sip.example.com SIP/2.0',
      /^From: <sip:1000@sip\.example\.com>;tag=[0-9a-f]{32}$/,
      'To: <sip:1000@sip.example.com>',
      new RegExp(`^Call-ID: ${UUID}$`),
      /^CSeq: \d+ REGISTER$/,
      /^Contact: <sip:1000@192\.0\.2\.10:5060;line=[a-z]{7}>$/,
      'Expires: 600',
      'Allow: OPTIONS, REGISTER, SUBSCRIBE, NOTIFY, PUBLISH, INVITE, ACK, BYE, CANCEL, UPDATE, PRACK, INFO, MESSAGE, REFER',
      'Max-Forwards: 70',
      'User-Agent: Asterisk PBX 22.0.0',
    ]);
    const r1 = first!.cseq!.seq;
    expect(r1).toBeGreaterThanOrEqual(1);
    expect(r1).toBeLessThanOrEqual(65535);
    expect(authed!.cseq?.seq).toBe(r1 + 1);
    expect(authed!.from?.tag).toBe(first!.from?.tag);
    expect(lines(authed!).at(-1)).toMatch(/^Authorization: Digest /);
    reg.dispose();
  });
});

describe('Contact when the local port is unknown (0)', () => {
  const profiles = ['jssip', 'sipjs', 'sipjs-legacy', 'asterisk', 'sipkit'] as const;
  for (const profile of profiles) {
    for (const transport of ['tcp', 'wss'] as const) {
      it(`${profile} over ${transport} writes no ":0"`, async () => {
        const { reg, sender, clock } = setup(profile, { registrar: 'sip:example.com' });
        sender.local = {
          host: transport === 'wss' ? 'abcdefghijkl.invalid' : '192.0.2.10',
          port: 0,
          transport,
        };
        sender.answer(ok(600));
        const done = reg.register();
        await flush();
        // Asterisk waits for its initial delay first.
        if (sender.sent.length === 0) clock.next();
        await flush();
        await done;
        const contact = sender.sent[0]!.headers.get('contact')!;
        expect(contact).not.toMatch(/:0[;>]/);
        expect(contact).toMatch(/@(192\.0\.2\.10|abcdefghijkl\.invalid)[;>]/);
        reg.dispose();
      });
    }
  }
});
