import { readFileSync } from 'node:fs';

/** ../shared beside the repository, read-only. */
export const SHARED = new URL('../../../../shared/', import.meta.url);
const RFC4475 = new URL('conformance/rfc4475/', SHARED);

export interface TortureCase {
  name: string;
  section: string;
  expected: 'valid' | 'invalid' | 'valid-but-semantic-error';
  note: string;
}

/** The RFC 4475 manifest rows. */
export function tortureCases(): TortureCase[] {
  const lines = readFileSync(new URL('MANIFEST.tsv', RFC4475), 'utf8').trim().split('\n').slice(1);
  return lines.map((line) => {
    const [name, section, expected, note] = line.split('\t');
    return { name: name!, section: section!, expected: expected as TortureCase['expected'], note: note! };
  });
}

/** The exact bytes of one torture message. */
export function tortureBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`${name}.dat`, RFC4475)));
}
