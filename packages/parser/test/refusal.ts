import { SipParseError } from '../src/index.js';

/**
 * The SipParseError `f` throws, as plain data: code, position and header (an undefined header
 * compares equal to none). Anything else thrown, or nothing, fails the test.
 */
export function refusal(f: () => unknown): { code: string; position: number; header?: string } {
  try {
    f();
  } catch (e) {
    if (!(e instanceof SipParseError)) throw e;
    return { code: e.code, position: e.position, header: e.header };
  }
  throw new Error('expected a SipParseError');
}
