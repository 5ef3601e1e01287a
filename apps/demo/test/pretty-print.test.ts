import { parseMessage } from '@sipkit/parser';
import { expect, test } from 'vitest';
import { prettyPrint } from '../src/pretty-print.js';
import { SAMPLE_REGISTER } from '../src/sample-message.js';

test('prints typed fields of the sample and never the credentials', () => {
  const out = prettyPrint(parseMessage(new TextEncoder().encode(SAMPLE_REGISTER)));
  expect(out.split('\n')[0]).toBe('REGISTER sip:example.test SIP/2.0');
  expect(out).toContain('CSeq: seq=2 method="REGISTER"');
  expect(out).toContain('Authorization: Digest <redacted>');
  expect(out).not.toContain('dfe56131d1958046689d83306477ecc');
  expect(out).not.toContain('ea9c8e88df84f1cec4341ae6cbe5a359');
});

test('shows a malformed header value instead of failing', () => {
  const bytes = new TextEncoder().encode('OPTIONS sip:a@b SIP/2.0\r\nCSeq: x\r\n\r\n');
  expect(prettyPrint(parseMessage(bytes))).toMatch(/CSeq: !! .*raw: x/);
});
