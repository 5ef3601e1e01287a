/**
 * Vitest global setup of the `interop` project: makes sure Debian's Chromium is there for the
 * browser test (installing it as root when missing) before any test file runs, so a slow install
 * is not counted against a test's timeout. Fails the run when it cannot: never a skipped test.
 */
import { ensureChromium } from './chromium.js';

/** Vitest global setup. */
export function setup(): void {
  ensureChromium();
}
