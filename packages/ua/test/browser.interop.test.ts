/**
 * sipkit in a real browser: the page script (`browser-page.ts`, the `UserAgent` of
 * `@sipkit/ua/core` and `@sipkit/digest`) is bundled for the browser from source, served from
 * loopback and run in headless Chromium, which registers with Kamailio over its own WebSocket.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bundleForBrowser } from '../../../interop/browser-bundle.js';
import { launchChromium } from '../../../interop/chromium.js';
import { kamailioBindings, kamcmd } from '../../../interop/kamailio-control.js';
import {
  KAMAILIO_DOMAIN,
  KAMAILIO_HOST,
  KAMAILIO_USERS,
  KAMAILIO_WS_PORT,
  KAMAILIO_WS_URL,
} from '../../../interop/kamailio-env.js';
import { type PageServer, servePage } from '../../../interop/page-server.js';
import type { PageAccount, SipkitPage } from './browser-page.js';
import { type DigestInput, digestValues } from './digest-values.js';

// No other interop file registers carol while this one runs (files run one at a time).
const USER = 'carol';
const WRONG_PASSWORD = 'not-carols-password';
const account: PageAccount = {
  user: USER,
  password: KAMAILIO_USERS[USER],
  domain: KAMAILIO_DOMAIN,
  wsUrl: KAMAILIO_WS_URL,
};
const HTML = [
  '<!doctype html><meta charset="utf-8"><title>sipkit</title>',
  // An empty icon, so no favicon request 404s into the console shown on failure.
  '<link rel="icon" href="data:,"><script type="module" src="/page.js"></script>',
].join('');
const STEP_MS = 15_000;

let server: PageServer | undefined;
let browser: Browser | undefined;
let page: Page | undefined;
const consoleLines: string[] = [];

/** The page's console (its last 200 lines), for an assertion message, with every password blanked out. */
function pageLog(): string {
  let text = consoleLines.slice(-200).join('\n');
  for (const secret of [account.password, WRONG_PASSWORD]) text = text.replaceAll(secret, '<password>');
  return `browser console:\n${text || '(empty)'}`;
}

/** The page's API as the page script put it on `globalThis`. */
type PageGlobal = { sipkitPage: SipkitPage };

/**
 * `promise`, or a rejection naming `what` after `ms`: playwright's evaluate has no timeout of its
 * own, and a hung page must fail its step with the page's console instead of hanging the run.
 */
function bounded<T>(what: string, promise: Promise<T>, ms = STEP_MS): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms\n${pageLog()}`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

// Each arrow passed to evaluate is serialised into the page: it may use only its argument.
const register = (a: PageAccount) =>
  bounded(
    'register',
    page!.evaluate((x) => (globalThis as unknown as PageGlobal).sipkitPage.register(x), a),
  );
const stopInPage = (ms?: number) =>
  bounded(
    'stop',
    page!.evaluate(() => (globalThis as unknown as PageGlobal).sipkitPage.stop()),
    ms,
  );
const digestInPage = (inputs: DigestInput[]) =>
  bounded(
    'digest',
    page!.evaluate((x) => (globalThis as unknown as PageGlobal).sipkitPage.digest(x), inputs),
  );

async function carolContacts(): Promise<string[]> {
  const bindings = await kamailioBindings();
  return bindings.find((b) => b.aor === USER || b.aor === `${USER}@${KAMAILIO_DOMAIN}`)?.contacts ?? [];
}

beforeAll(async () => {
  const bundle = await bundleForBrowser({
    file: fileURLToPath(new URL('./browser-page.ts', import.meta.url)),
  });
  server = await servePage({
    '/': { type: 'text/html; charset=utf-8', body: HTML },
    '/page.js': { type: 'text/javascript; charset=utf-8', body: bundle },
  });
  browser = await launchChromium();
  page = await browser.newPage();
  page.setDefaultTimeout(STEP_MS);
  page.on('console', (m) => consoleLines.push(`[${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => consoleLines.push(`[pageerror] ${e.stack ?? e.message}`));
  await page.goto(`${server.origin}/`);
  await page.waitForFunction(() => 'sipkitPage' in globalThis, undefined, { timeout: STEP_MS });
}, 60_000);

afterAll(async () => {
  // Each step runs even when an earlier one (or beforeAll) failed part-way.
  try {
    if (page) await stopInPage(5000).catch(() => undefined);
  } finally {
    try {
      await browser?.close();
    } finally {
      await server?.close();
    }
  }
}, 30_000);

describe('sipkit in headless Chromium against Kamailio', () => {
  test('the bundle builds from source without Node built-ins; a Node entry does not build', async () => {
    // beforeAll built the page bundle; this shows esbuild would have refused a Node import.
    await expect(bundleForBrowser({ contents: "export * from '@sipkit/ua/node';" })).rejects.toThrow(
      /Could not resolve "node:/,
    );
  });

  test('registers over the browser WebSocket with digest auth; stop() removes the binding', async () => {
    expect(await page!.evaluate(() => navigator.userAgent)).toContain('HeadlessChrome');
    const reg = await register(account);
    expect(reg, pageLog()).toMatchObject({ uaState: 'started', state: 'registered' });
    expect(reg.error, pageLog()).toBeUndefined();
    expect(reg.expires).toBeGreaterThan(0);
    expect(reg.contact).toMatch(/;transport=ws\b/i);

    const bound = await carolContacts();
    expect(bound, pageLog()).toHaveLength(1);
    const user = /^<?sips?:([^@]+)@/.exec(reg.contact!)![1]!;
    expect(bound[0]).toContain(`sip:${user}@`);
    expect(bound[0]).toMatch(/;transport=ws\b/i);
    // Kamailio took the page's REGISTER on its WebSocket listener (shown as the TCP socket under it).
    const dump = (await kamcmd('ul.dump')).split(/(?=AoR:)/).find((s) => /AoR:\s*carol\b/.test(s)) ?? '';
    expect(dump).toContain(`Socket: tcp:${KAMAILIO_HOST}:${KAMAILIO_WS_PORT}\n`);
    expect(dump).toContain('User-Agent: sipkit browser interop test\n');

    expect(await stopInPage(), pageLog()).toBe('stopped');
    expect(await carolContacts(), pageLog()).toEqual([]);
  });

  test('a wrong password ends in AUTH_FAILED in the page and leaves no binding', async () => {
    const reg = await register({ ...account, password: WRONG_PASSWORD });
    expect(reg.error, pageLog()).toMatchObject({
      name: 'RegistrationError',
      code: 'AUTH_FAILED',
      status: 401,
      authCode: 'rejected-credentials',
    });
    expect(reg.state, pageLog()).toBe('rejected');
    expect(await carolContacts()).toEqual([]);
    expect(await stopInPage(), pageLog()).toBe('stopped');
  });

  test("digest responses computed in the page (noble's hashes) match Node's and the vectors", async () => {
    const file = new URL('../../../../shared/conformance/digest-vectors.json', import.meta.url);
    const all = (
      JSON.parse(readFileSync(file, 'utf8')) as {
        vectors: (DigestInput & { id: string; expected_response: string })[];
      }
    ).vectors;
    const ids = ['rfc2617-3.5-md5-auth', 'rfc7616-3.9.2-sha512-256-userhash-errata-4897'];
    const vectors = ids.map((id) => all.find((v) => v.id === id)!);
    const inputs: DigestInput[] = vectors.map((v) => ({
      algorithm: v.algorithm,
      username: v.username,
      realm: v.realm,
      password: v.password,
      nonce: v.nonce,
      cnonce: v.cnonce,
      nc: v.nc,
      qop: v.qop,
      method: v.method,
      uri: v.uri,
    }));
    const inBrowser = await digestInPage(inputs);
    const inNode = inputs.map(digestValues);
    expect(inBrowser, pageLog()).toEqual(inNode);
    expect(inBrowser.map((r) => r.response)).toEqual(vectors.map((v) => v.expected_response));
  });
});
