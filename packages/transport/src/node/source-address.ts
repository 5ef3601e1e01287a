import { createSocket } from 'node:dgram';
import type { Endpoint } from '../transport.js';

/**
 * Finds the local address that a UDP socket of `type` sends from to reach `remote` (a bare IP
 * address or a host name, no brackets). Rejects when there is no route or the name does not resolve.
 */
export type SourceAddressLookup = (remote: Endpoint, type: 'udp4' | 'udp6') => Promise<string>;

/**
 * The system's answer for {@link SourceAddressLookup}: a throw-away socket is `connect()`ed to
 * `remote`, which on UDP sends nothing (it resolves the name and picks the route), then asked
 * for its address and closed.
 */
export const routeSourceAddress: SourceAddressLookup = (remote, type) =>
  new Promise((resolve, reject) => {
    const probe = createSocket(type);
    probe.connect(remote.port, remote.host, (err?: Error) => {
      const address = err ? undefined : probe.address().address;
      probe.close();
      if (address) resolve(address);
      else reject(err);
    });
  });
