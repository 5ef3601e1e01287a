import { TcpTransport } from '@sipkit/transport/node';

/** What a test opened, to close after it (last opened, first closed). */
export type Cleanups = (() => unknown)[];

/** A TCP transport on 127.0.0.1, connected (and listening when `listen`), closed with `cleanups`. */
export async function loopbackTcp(cleanups: Cleanups, listen: boolean): Promise<TcpTransport> {
  const t = new TcpTransport({ host: '127.0.0.1', listen });
  cleanups.push(() => t.close());
  await t.connect();
  return t;
}

/** Polls `cond` every 5 real ms (socket events we cannot await directly), up to 3 s. */
export async function until(cond: () => boolean): Promise<void> {
  for (const end = Date.now() + 3000; !cond(); await new Promise((r) => setTimeout(r, 5)))
    if (Date.now() > end) throw new Error('condition not met in time');
}
