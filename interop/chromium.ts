/**
 * The headless Chromium of the browser interop test: Debian's `chromium`, driven by
 * playwright-core (which never downloads a browser of its own). Installed with apt-get when
 * missing and this is root, as CI is; otherwise {@link ensureChromium} says what to install.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { aptInstall } from './apt-install.js';

/** Where Debian's `chromium` package puts the browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Flags for running as root on a machine without a display or outside network: no sandbox (it
 * refuses root), no GPU, and none of the background connections (updates, sync, QUIC probes)
 * that a closed network refuses, many at a time.
 */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Installs Debian's `chromium` when it is missing (root only); throws when that cannot be done. */
export function ensureChromium(): void {
  if (existsSync(CHROMIUM_PATH)) return;
  aptInstall('Chromium', ['chromium'], { noRecommends: true });
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`chromium was installed but ${CHROMIUM_PATH} is missing`);
}

/**
 * Starts headless Chromium with a fresh, temporary profile (playwright-core makes one per launch
 * and deletes it on close). Fails after `timeoutMs` instead of waiting for a browser that hangs.
 */
export function launchChromium(timeoutMs = 30_000): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, timeout: timeoutMs });
}
