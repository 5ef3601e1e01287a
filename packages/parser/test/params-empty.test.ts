import { describe, expect, test } from 'vitest';
import { Params, parseUri as parseAny, SipUri } from '../src/index.js';

function parseUri(text: string): SipUri {
  const uri = parseAny(text);
  if (!(uri instanceof SipUri)) throw new Error(`not a SIP URI: ${text}`);
  return uri;
}

// Empty parameter lists share one frozen list until their first write (see params.ts).
describe('empty Params', () => {
  test('a write to one empty list leaves every other empty list empty', () => {
    const a = new Params();
    const b = new Params();
    const uri = parseUri('sip:alice@example.test');
    a.set('lr');
    uri.params.set('transport', 'tcp');
    uri.headers.set('subject', 'hi');
    expect(a.toString()).toBe(';lr');
    expect(b.size).toBe(0);
    expect(new Params().size).toBe(0);
    expect(uri.toString()).toBe('sip:alice@example.test;transport=tcp?subject=hi');
    expect(parseUri('sip:bob@example.test').toString()).toBe('sip:bob@example.test');
  });

  test('an empty list read from text, or emptied by delete, takes writes again', () => {
    const uri = parseUri('sip:alice@example.test;lr');
    expect(uri.params.delete('lr')).toBe(true);
    uri.params.set('ob');
    expect(uri.toString()).toBe('sip:alice@example.test;ob');
    const bare = parseUri('sip:carol@example.test');
    const copy = bare.clone();
    copy.params.set('gr');
    expect(bare.params.size).toBe(0);
    expect(copy.toString()).toBe('sip:carol@example.test;gr');
    expect(JSON.parse(JSON.stringify(bare.params))).toEqual({ list: [] });
  });
});
