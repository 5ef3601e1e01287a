import type { UserAgentConfig } from '@sipkit/config';
import { type StateChange, UserAgent } from '@sipkit/ua';
import { nodeTransportFactory } from '@sipkit/ua/node';
import { loadConfigFile } from './config-file.js';
import { DevRegistrar } from './dev-registrar/dev-registrar.js';
import { configFromFlags, serverFromFlag } from './flag-config.js';
import type { RegisterOptions } from './register-options.js';

/** Where the command writes its lines (stdout in the CLI, an array in tests). */
export type Output = (line: string) => void;

/** One line for a registration change; `now` is on the user agent's clock (the system clock here). */
function describeChange(c: StateChange, now: number): string {
  const parts = [`${c.previous} -> ${c.state}`, c.reason];
  if (c.code !== undefined) parts.push(`status ${c.code}`);
  if (c.authError) parts.push(`auth ${c.authError.code}`);
  if (c.expires !== undefined) parts.push(`expires ${c.expires}s`);
  if (c.nextAt !== undefined) parts.push(`next in ${Math.round((c.nextAt - now) / 1000)}s`);
  return `registration: ${parts.join(', ')}`;
}

/** Resolves when the registration reaches `registered`, rejects when it is rejected or after `ms`. */
function registered(ua: UserAgent, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`not registered within ${ms / 1000} s`)), ms);
    const off = ua.on('registration', (c) => {
      if (c.state === 'registered') done();
      else if (c.state === 'rejected') done(new Error(`registration rejected (${c.code ?? c.reason})`));
    });
    function done(error?: Error): void {
      clearTimeout(timer);
      off();
      if (error) reject(error);
      else resolve();
    }
  });
}

/**
 * `sipkit register`: registers with the configured server (or an embedded development
 * registrar on loopback when none is given), prints every state change, stays registered for
 * `duration` seconds, then unregisters and stops. Returns the process exit code.
 */
export async function registerCommand(opts: RegisterOptions, out: Output): Promise<number> {
  let dev: DevRegistrar | undefined;
  let config: UserAgentConfig;
  if (opts.config) {
    config = loadConfigFile(opts.config, opts.format, opts.registration);
    out(`config: ${opts.config} (${config.source}, profile ${config.profile})`);
    for (const u of config.unsupported) out(`  not honoured: ${u.key}: ${u.reason}`);
  } else {
    let server = opts.server;
    if (!server) {
      dev = new DevRegistrar({
        users: [{ username: opts.user, password: opts.password }],
        domain: opts.domain,
        minExpires: 10,
        wsPort: opts.transport === 'ws' ? 0 : null,
      });
      const at = await dev.start();
      const addr = at[opts.transport]!;
      server =
        opts.transport === 'ws'
          ? `ws://${addr.host}:${addr.port}`
          : `sip:${addr.host}:${addr.port};transport=${opts.transport}`;
      out(
        `embedded development registrar for ${opts.domain} on ${addr.host}:${addr.port} (udp ${at.udp?.port}, tcp ${at.tcp?.port}${at.ws ? `, ws ${at.ws.port}` : ''}); user ${opts.user}`,
      );
    }
    config = configFromFlags({ ...opts, server: serverFromFlag(server, opts.transport) });
  }
  const ua = new UserAgent(config, {
    transportFactory: nodeTransportFactory,
    trace: opts.trace
      ? (direction, text) => out(`--- ${direction === 'out' ? 'sent' : 'received'}\n${text}`)
      : undefined,
  });
  const started = performance.now();
  ua.on('transport', (s) => out(`transport: ${s}`));
  ua.on('registration', (c) => out(describeChange(c, performance.now())));
  try {
    const ok = registered(ua, 40_000);
    await ua.start();
    if (!config.registration.enabled) await ua.register();
    await ok;
    const binding = ua.registerer?.contact;
    out(`registered ${config.identity.aor} as ${binding} in ${Math.round(performance.now() - started)} ms`);
    if (dev) out(`registrar now holds ${dev.bindings(`sip:${opts.user}@${opts.domain}`).length} binding(s)`);
    if (opts.duration > 0) await new Promise((r) => setTimeout(r, opts.duration * 1000));
  } finally {
    await ua.stop();
    out('stopped (unregistered)');
    if (dev) {
      out(`registrar now holds ${dev.bindings(`sip:${opts.user}@${opts.domain}`).length} binding(s)`);
      await dev.stop();
    }
  }
  return 0;
}
