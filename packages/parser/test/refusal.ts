import { SipParseError } from '../src/index.js';

/** The SipParseError `f` throws. Anything else thrown, or nothing, fails the test. */
export function parseErrorOf(f: () => unknown): SipParseError {
  try {
    f();
  } catch (e) {
    if (!(e instanceof SipParseError)) throw e;
    return e;
  }
  throw new Error('expected a SipParseError');
}

/**
 * The SipParseError `f` throws, as plain data: code, position and header (an undefined header
 * compares equal to none).
 */
export function refusal(f: () => unknown): { code: string; position: number; header?: string } {
  const { code, position, header } = parseErrorOf(f);
  return { code, position, header };
}
