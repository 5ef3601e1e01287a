import { sipkitConfig } from '@sipkit/config';
import { createRequest, parseUri, type SipUri } from '@sipkit/parser';
import { TransactionLayer } from '@sipkit/transaction';
import { cryptoRandom, systemClock } from '@sipkit/transport';
import { UdpTransport } from '@sipkit/transport/node';
import { UserAgent } from '@sipkit/ua';
import { nodeTransportFactory } from '@sipkit/ua/node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DevRegistrar } from '../src/dev-registrar/dev-registrar.js';
import { serverFromFlag } from '../src/flag-config.js';
import { registerCommand } from '../src/register-command.js';
import { parseRegisterOptions } from '../src/register-options.js';

async function runCli(args: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await registerCommand(parseRegisterOptions(args), (l) => lines.push(l));
  return { code, lines };
}

describe('sipkit register with the embedded registrar', () => {
  test.each(['udp', 'tcp', 'ws'])('registers over %s, then leaves no binding', async (transport) => {
    const { code, lines } = await runCli(['--transport', transport]);
    expect(code).toBe(0);
    expect(lines[0]).toMatch(/^embedded development registrar for example\.test on 127\.0\.0\.1:\d+/);
    expect(lines).toContain('registration: unregistered -> registering, register');
    expect(
      lines.some((l) =>
        /^registration: registering -> registered, registered, status 200, expires 60s/.test(l),
      ),
    ).toBe(true);
    expect(lines).toContain('registrar now holds 1 binding(s)');
    expect(lines.at(-1)).toBe('registrar now holds 0 binding(s)');
  });

  test('--trace prints the messages with the Authorization value redacted', async () => {
    const { lines } = await runCli(['--trace', '--password', 'hunter2-secret']);
    const text = lines.join('\n');
    expect(text).toMatch(/^Authorization: <redacted>$/m);
    expect(text).toMatch(/^WWW-Authenticate: Digest realm="example.test", qop="auth", algorithm=SHA-256/m);
    expect(text).not.toContain('hunter2-secret');
    expect(text).not.toMatch(/response="/);
  });

  test('bad flags give a usage error', () => {
    expect(() => parseRegisterOptions(['--transport', 'sctp'])).toThrow(/udp, tcp or ws/);
    expect(() => parseRegisterOptions(['--expires', '-1'])).toThrow(/--expires/);
    expect(() => parseRegisterOptions(['--bogus'])).toThrow();
  });
});

describe('DevRegistrar answers', () => {
  const registrar = new DevRegistrar({
    users: [{ username: 'alice', password: 'alicepw' }],
    minExpires: 10,
    wallTime: () => Date.UTC(2026, 10, 29, 21, 30, 5),
  });
  let server: ReturnType<typeof serverFromFlag>;
  beforeAll(async () => {
    const at = await registrar.start();
    server = serverFromFlag(`sip:127.0.0.1:${at.udp!.port}`, 'udp');
  });
  afterAll(() => registrar.stop());

  async function outcome(uri: string, password: string, user?: string): Promise<string> {
    const config = sipkitConfig({ aor: uri, password, authorizationUser: user, servers: server });
    const ua = new UserAgent(config, { transportFactory: nodeTransportFactory });
    try {
      await ua.start();
      const result = await ua.register().then(
        (r) => `200 expires ${r.expires} at ${r.response.headers.get('date')}`,
        (e: { status?: number; code?: string }) => `${e.status} ${e.code}`,
      );
      return result;
    } finally {
      await ua.stop();
    }
  }

  test("registers a known user and rejects wrong password, foreign domain and someone else's AOR", async () => {
    // The Date of the 200 comes from the injected wall clock.
    expect(await outcome('sip:alice@example.test', 'alicepw')).toBe(
      '200 expires 600 at Sun, 29 Nov 2026 21:30:05 GMT',
    );
    expect(await outcome('sip:alice@example.test', 'wrong')).toMatch(/^401 /);
    expect(await outcome('sip:alice@elsewhere.test', 'alicepw')).toMatch(/^404 /);
    expect(await outcome('sip:bob@example.test', 'alicepw', 'alice')).toMatch(/^403 /);
  });

  test('the CLI shows why a registration failed (the digest error code)', async () => {
    const port = (parseUri(server) as SipUri).port;
    const lines: string[] = [];
    const options = parseRegisterOptions(['--server', `sip:127.0.0.1:${port}`, '--password', 'wrong']);
    await expect(registerCommand(options, (l) => lines.push(l))).rejects.toThrow(/rejected \(401\)/);
    expect(lines.some((l) => /-> rejected, .*status 401.*auth rejected-credentials/.test(l))).toBe(true);
  });

  test('answers OPTIONS with 200 and other methods with 405', async () => {
    const transport = new UdpTransport();
    await transport.connect();
    const layer = new TransactionLayer({ transport, clock: systemClock, random: cryptoRandom });
    const target = { host: '127.0.0.1', port: (parseUri(server) as SipUri).port! };
    try {
      const statuses: number[] = [];
      for (const method of ['OPTIONS', 'SUBSCRIBE']) {
        const req = createRequest({
          method,
          uri: 'sip:example.test',
          headers: {
            From: '<sip:carol@example.test>;tag=c',
            To: '<sip:example.test>',
            'Call-ID': `${method}-x`,
            CSeq: `1 ${method}`,
          },
        });
        const res = await layer.request(req, { target }).final;
        statuses.push(res.status);
        expect(res.headers.get('allow')).toBe('REGISTER, OPTIONS');
      }
      expect(statuses).toEqual([200, 405]);
    } finally {
      layer.close();
      await transport.close();
    }
  });
});

describe('--server and --transport as sipkitConfig servers', () => {
  test.each([
    ['ws://127.0.0.1:8080', 'udp', 'ws://127.0.0.1:8080'],
    ['127.0.0.1:5070', 'udp', 'sip:127.0.0.1:5070'],
    ['127.0.0.1:5070', 'tcp', 'sip:127.0.0.1:5070;transport=tcp'],
    ['sip:pbx.example.test;transport=TCP', 'udp', 'sip:pbx.example.test;transport=TCP'],
    ['sip:[::1]:5080', 'ws', 'ws://[::1]:5080'],
  ] as const)('%s with --transport %s is %s', (server, transport, expected) => {
    expect(serverFromFlag(server, transport)).toBe(expected);
  });

  test('a tel: URI is refused', () => {
    expect(() => serverFromFlag('tel:+15551234', 'udp')).toThrow(/--server must be a sip: URI/);
  });
});
