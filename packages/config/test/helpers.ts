import { ConfigError } from '../src/index.js';

/** Runs `fn` and returns the ConfigError it throws (fails the test otherwise). */
export function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}
