import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { redactCredentials, redactUrls } from '@sipkit/transport';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('../src/', import.meta.url));

describe('main entry is browser-safe', () => {
  it('no module outside src/node imports node: modules or ws', () => {
    const files = readdirSync(src).filter((f) => f.endsWith('.ts') && f !== 'node.ts');
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) {
      const text = readFileSync(`${src}${f}`, 'utf8');
      expect(text, f).not.toMatch(/from '(node:[^']+|ws)'/);
      expect(text, f).not.toMatch(/from '\.\/node\//);
    }
  });
});

describe('redactCredentials', () => {
  it('hides Authorization and Proxy-Authorization values and keeps the rest', () => {
    const text =
      'REGISTER sip:example.test SIP/2.0\r\nAuthorization: Digest username="alice", response="abc"\r\n' +
      'proxy-authorization:Digest response="def"\r\nCall-ID: x\r\n\r\n';
    const out = redactCredentials(new TextEncoder().encode(text));
    expect(out).not.toMatch(/abc|def/);
    expect(out).toContain('Authorization: <redacted>\r\n');
    expect(out).toContain('proxy-authorization: <redacted>\r\n');
    expect(out).toContain('Call-ID: x\r\n');
  });

  it('hides the folded continuation lines of a credentials header too', () => {
    const text =
      'REGISTER sip:example.test SIP/2.0\r\nAuthorization: Digest username="alice",\r\n  nonce="n1",\r\n' +
      '\tresponse="0123456789abcdef"\r\nProxy-Authorization: Bearer\r\n eyJhbGciOi.secret-token\r\n' +
      'Max-Forwards: 70\r\n\r\n body line\r\n';
    const out = redactCredentials(text);
    expect(out).not.toMatch(/0123456789abcdef|secret-token|n1/);
    expect(out).toBe(
      'REGISTER sip:example.test SIP/2.0\r\nAuthorization: <redacted>\r\nProxy-Authorization: <redacted>\r\n' +
        'Max-Forwards: 70\r\n\r\n body line\r\n',
    );
  });
});

describe('redactUrls', () => {
  it('hides the userinfo of every URL in a text and keeps the rest', () => {
    expect(redactUrls('cannot connect to ws://alice:s3cret@127.0.0.1:9/sip?x=1')).toBe(
      'cannot connect to ws://***@127.0.0.1:9/sip?x=1',
    );
    expect(redactUrls('WSS://bob@[::1]/ then wss://carol:pw@edge.example.com')).toBe(
      'WSS://***@[::1]/ then wss://***@edge.example.com',
    );
    // A raw "@" in the password: everything up to the last "@" of the authority goes.
    expect(redactUrls('ws://alice:p@ss@host.example/a@b')).toBe('ws://***@host.example/a@b');
  });

  it('leaves URLs without userinfo, and other "@", alone', () => {
    for (const text of ['ws://127.0.0.1:8080/', 'sip:alice@example.com', 'wss://h/p?u=a@b', 'a@b c://d']) {
      expect(redactUrls(text)).toBe(text);
    }
  });
});
