/**
 * Where the interop Kamailio listens and who may register: shared by the global setup that
 * starts it and by every `*.interop.test.ts`. Ports can be moved with environment variables
 * (for a machine where 5060 or 8080 is taken); the defaults match `kamailio/kamailio.cfg`.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Loopback address every listener binds. */
export const KAMAILIO_HOST = '127.0.0.1';
/** UDP and TCP port. */
// biome-ignore lint/suspicious/noUndeclaredEnvVars: read by vitest directly, never through turbo
export const KAMAILIO_SIP_PORT = Number(process.env.SIPKIT_KAMAILIO_SIP_PORT ?? 5060);
/** WebSocket port (subprotocol `sip`, path `/`). */
// biome-ignore lint/suspicious/noUndeclaredEnvVars: read by vitest directly, never through turbo
export const KAMAILIO_WS_PORT = Number(process.env.SIPKIT_KAMAILIO_WS_PORT ?? 8080);
/** `ws://` URL of the WebSocket listener. */
export const KAMAILIO_WS_URL = `ws://${KAMAILIO_HOST}:${KAMAILIO_WS_PORT}`;
/** Domain and digest realm (the realm is the From domain). */
export const KAMAILIO_DOMAIN = 'example.test';
/** Test users and their passwords (test-only credentials kept in the config on purpose). */
export const KAMAILIO_USERS = {
  alice: 'alicepw',
  bob: 'bobpw',
  carol: 'carolpw',
  /** Kamailio answers dave's REGISTERs that carry a reg-id with 439 (First Hop Lacks Outbound Support). */
  dave: 'davepw',
  /** Kamailio answers erin's un-REGISTERs (`Expires: 0`) with 503. */
  erin: 'erinpw',
  /** Kamailio confirms frank's REGISTERs with a reg-id as RFC 5626 outbound flows (`Require: outbound`, `Flow-Timer: 2`). */
  frank: 'frankpw',
} as const;
/** The binrpc control socket, for `kamcmd -s`: at a fixed place so test workers find it. */
export const KAMAILIO_CTL_SOCKET = join(tmpdir(), `sipkit-kamailio-${KAMAILIO_SIP_PORT}-ctl.sock`);
