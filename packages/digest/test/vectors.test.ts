import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type AuthValue, parseAuth } from '@sipkit/parser';
import { describe, expect, it } from 'vitest';
import {
  computeHa1,
  computeResponse,
  computeUserhash,
  type DigestAlgorithm,
  DigestClient,
  DigestCredentials,
  hashOf,
  parseAlgorithm,
} from '../src/index.js';
import { challengeResponse, fixedRandom, request } from './helpers.js';

interface Vector {
  id: string;
  algorithm: string;
  method: string;
  uri: string;
  username: string;
  username_utf8_hex?: string;
  password: string;
  realm: string;
  nonce: string;
  opaque: string;
  challenge_qop_options: string;
  charset?: string;
  qop: 'auth';
  nc: string;
  cnonce: string;
  userhash: boolean;
  expected_userhash?: string;
  expected_response: string;
  username_star_form?: string;
  challenge_header?: string;
  authorization_header?: string;
  known_defect?: string;
  computed_locally: { ha1: string; ha2: string };
}

const file = new URL('../../../../shared/conformance/digest-vectors.json', import.meta.url);
const vectors = (JSON.parse(readFileSync(file, 'utf8')) as { vectors: Vector[] }).vectors;
const good = vectors.filter((v) => v.known_defect === undefined);
const defective = vectors.filter((v) => v.known_defect !== undefined);

/** The challenge as the vector gives it, or rebuilt from its fields when only those are given. */
function challengeLine(v: Vector): string {
  if (v.challenge_header) return v.challenge_header;
  let line = `WWW-Authenticate: Digest realm="${v.realm}", qop="${v.challenge_qop_options}", algorithm=${v.algorithm}, nonce="${v.nonce}", opaque="${v.opaque}"`;
  if (v.charset) line += `, charset=${v.charset}`;
  if (v.userhash) line += ', userhash=true';
  return line;
}

function cnonceBytes(v: Vector): Uint8Array {
  const bytes = new Uint8Array(Buffer.from(v.cnonce, 'base64'));
  // The client sends base64 of its random bytes; these cnonces round-trip exactly.
  expect(Buffer.from(bytes).toString('base64')).toBe(v.cnonce);
  return bytes;
}

async function clientAnswer(v: Vector): Promise<AuthValue> {
  const bytes = cnonceBytes(v);
  const client = new DigestClient({
    credentials: DigestCredentials.fromPassword({ username: v.username, password: v.password }),
    random: fixedRandom(bytes),
    cnonceBytes: bytes.length,
  });
  const [answer, ...rest] = await client.authorize(
    challengeResponse([challengeLine(v)]),
    request(v.method, v.uri),
  );
  expect(rest).toHaveLength(0);
  expect(answer!.name).toBe('Authorization');
  return answer!.value;
}

describe('digest vectors from ../shared/conformance/digest-vectors.json', () => {
  it('loads every vector', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(5);
    expect(good.length).toBeGreaterThanOrEqual(4);
    expect(defective.map((v) => v.id)).toContain('rfc7616-3.9.2-sha512-256-userhash-as-published');
  });

  describe.each(good.map((v) => [v.id, v] as const))('%s', (_id, v) => {
    const algorithm = parseAlgorithm(v.algorithm) as DigestAlgorithm;

    it('the username bytes are the UTF-8 the vector states', () => {
      if (v.username_utf8_hex)
        expect(Buffer.from(v.username, 'utf8').toString('hex')).toBe(v.username_utf8_hex);
      expect(algorithm).not.toBeNull();
    });

    it('HA1 matches the locally computed intermediate', () => {
      expect(computeHa1(hashOf(algorithm), v.username, v.realm, v.password)).toBe(v.computed_locally.ha1);
    });

    it('computeResponse gives the expected response', () => {
      const response = computeResponse({
        algorithm,
        ha1: computeHa1(hashOf(algorithm), v.username, v.realm, v.password),
        nonce: v.nonce,
        cnonce: v.cnonce,
        nc: v.nc,
        qop: v.qop,
        method: v.method,
        uri: v.uri,
      });
      expect(response).toBe(v.expected_response);
    });

    // Only the vectors that state a userhash get this test (no test that asserts nothing).
    if (v.userhash)
      it('userhash is H(username:realm)', () => {
        expect(computeUserhash(hashOf(algorithm), v.username, v.realm)).toBe(v.expected_userhash);
      });

    it('DigestClient answers the challenge with the expected Authorization', async () => {
      const value = await clientAnswer(v);
      expect(value.param('response')).toBe(v.expected_response);
      expect(value.param('nc')).toBe(v.nc);
      expect(value.param('cnonce')).toBe(v.cnonce);
      if (v.userhash) {
        expect(value.param('username')).toBe(v.expected_userhash);
        expect(value.param('userhash')).toBe('true');
      }
      if (v.authorization_header) {
        const expected = parseAuth(v.authorization_header.replace(/^Authorization:\s*/i, ''));
        const mine = [...value.params].map((p) => p.name.toLowerCase()).sort();
        const theirs = [...expected.params].map((p) => p.name.toLowerCase()).sort();
        expect(mine).toEqual(theirs);
        for (const p of expected.params) expect(value.param(p.name)).toBe(p.value);
      }
    });

    it('quotes username, realm, nonce, uri, response, cnonce, opaque and not qop, nc, algorithm', async () => {
      const text = (await clientAnswer(v)).toString();
      for (const name of ['username', 'realm', 'nonce', 'uri', 'response', 'cnonce', 'opaque']) {
        expect(text).toMatch(new RegExp(`(^|[ ,])${name}="`));
      }
      expect(text).toContain(`qop=auth`);
      expect(text).toContain(`nc=${v.nc}`);
      if (v.challenge_header?.includes('algorithm=')) expect(text).toContain(`algorithm=${v.algorithm}`);
      // Parses back to the same values.
      expect(parseAuth(text).param('response')).toBe(v.expected_response);
    });
  });

  describe.each(defective.map((v) => [v.id, v] as const))('%s (known defect)', (_id, v) => {
    const algorithm = parseAlgorithm(v.algorithm) as DigestAlgorithm;

    it('FIPS SHA-512/256 does not give the published values, as the file records', async () => {
      const value = await clientAnswer(v);
      expect(value.param('username')).not.toBe(v.expected_userhash);
      expect(value.param('response')).not.toBe(v.expected_response);
      const erratum = vectors.find((e) => e.id === v.id.replace('as-published', 'errata-4897'));
      expect(erratum).toBeDefined();
      expect(value.param('username')).toBe(erratum!.expected_userhash);
      expect(value.param('response')).toBe(erratum!.expected_response);
    });

    it('the published values are SHA-512 truncated to 256 bits (erratum 4897)', () => {
      const truncated = (s: string) => createHash('sha512').update(s, 'utf8').digest('hex').slice(0, 64);
      expect(algorithm).toBe('SHA-512-256');
      expect(truncated(`${v.username}:${v.realm}`)).toBe(v.expected_userhash);
      const ha1 = truncated(`${v.username}:${v.realm}:${v.password}`);
      const ha2 = truncated(`${v.method}:${v.uri}`);
      expect(truncated(`${ha1}:${v.nonce}:${v.nc}:${v.cnonce}:${v.qop}:${ha2}`)).toBe(v.expected_response);
    });
  });

  it('sends username* (RFC 8187) for a non-ASCII username when the challenge says charset=UTF-8', async () => {
    const v = vectors.find((x) => x.username_star_form)!;
    const bytes = cnonceBytes(v);
    const client = new DigestClient({
      credentials: DigestCredentials.fromPassword({ username: v.username, password: v.password }),
      random: fixedRandom(bytes),
      cnonceBytes: bytes.length,
    });
    const line = `WWW-Authenticate: Digest realm="${v.realm}", qop="auth", algorithm=${v.algorithm}, nonce="${v.nonce}", opaque="${v.opaque}", charset=UTF-8`;
    const [answer] = await client.authorize(challengeResponse([line]), request(v.method, v.uri));
    expect(answer!.value.param('username*')).toBe(v.username_star_form);
    expect(answer!.value.param('username')).toBeUndefined();
    expect(answer!.value.toString()).toContain(`username*=${v.username_star_form}`);
    // The response does not depend on how the username is sent.
    const erratum = vectors.find((e) => e.id.endsWith('errata-4897'))!;
    expect(answer!.value.param('response')).toBe(erratum.expected_response);
  });
});
