/**
 * Child side of `bundle-coverage.mjs`: imports the register-only browser bundle (path in argv),
 * starts the development registrar on a free 127.0.0.1 WebSocket port, and runs one user agent
 * of the bundle through the happy path: start, digest-challenged REGISTER, registered, stop
 * (un-REGISTER). Exits 0 when that worked, 1 otherwise; a watchdog bounds the run. Needs
 * `--experimental-websocket` on Node 20, where the bundle's WebSocket global is behind a flag.
 */
import { pathToFileURL } from 'node:url';
import { fromJsSIP } from '@sipkit/config';
import { DevRegistrar } from '@sipkit/demo/dev-registrar';

const WATCHDOG_MS = 15_000;
const watchdog = setTimeout(() => {
  console.error('bundle coverage run: no registration within 15 s');
  process.exit(1);
}, WATCHDOG_MS);

const { UserAgent } = await import(pathToFileURL(process.argv[2]).href);
const registrar = new DevRegistrar({
  users: [{ username: 'alice', password: 'coverage-only' }],
  domain: 'example.test',
  udpPort: null,
  tcpPort: null,
  wsPort: 0,
});
const { ws } = await registrar.start();
const config = fromJsSIP(
  {
    uri: 'sip:alice@example.test',
    password: 'coverage-only',
    sockets: [`ws://${ws.host}:${ws.port}`],
  },
  { profile: 'sipkit' },
);
const ua = new UserAgent(config);
try {
  await new Promise((resolve, reject) => {
    ua.on('registration', (c) => {
      if (c.state === 'registered') resolve();
      else if (c.state === 'rejected' || c.state === 'retry-wait')
        reject(new Error(`registration ${c.state}`));
    });
    ua.start().catch(reject);
  });
  await ua.stop();
} finally {
  await registrar.stop();
  clearTimeout(watchdog);
}
