import { parseArgs } from 'node:util';
import type { ConfigFormat } from './config-file.js';

/** What `sipkit register` was asked to do. */
export interface RegisterOptions {
  /** Config file in any of the five formats; absent = flags (and the embedded registrar when no server). */
  config?: string;
  format?: ConfigFormat;
  /** pjsip.conf registration section name. */
  registration?: string;
  /** Server to register with (`sip:host:port` or `ws://...`); absent = embedded development registrar. */
  server?: string;
  transport: 'udp' | 'tcp' | 'ws';
  user: string;
  password: string;
  domain: string;
  expires: number;
  /** Seconds to stay registered before unregistering (0 = unregister as soon as registered). */
  duration: number;
  trace: boolean;
}

const FORMATS = ['sipkit', 'jssip', 'sipjs-legacy', 'sipjs', 'pjsip'];

/** Reads `sipkit register` flags; throws an Error with a usage message on bad input. */
export function parseRegisterOptions(argv: string[]): RegisterOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string' },
      format: { type: 'string' },
      registration: { type: 'string' },
      server: { type: 'string' },
      transport: { type: 'string', default: 'udp' },
      user: { type: 'string', default: 'alice' },
      password: { type: 'string', default: 'alicepw' },
      domain: { type: 'string', default: 'example.test' },
      expires: { type: 'string', default: '60' },
      duration: { type: 'string', default: '0' },
      trace: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.format !== undefined && !FORMATS.includes(values.format)) {
    throw new Error(`--format must be one of ${FORMATS.join(', ')}`);
  }
  if (!['udp', 'tcp', 'ws'].includes(values.transport)) throw new Error('--transport must be udp, tcp or ws');
  const expires = Number(values.expires);
  const duration = Number(values.duration);
  if (!Number.isInteger(expires) || expires < 0)
    throw new Error('--expires must be a whole number of seconds');
  if (!Number.isFinite(duration) || duration < 0) throw new Error('--duration must be a number of seconds');
  return {
    config: values.config,
    format: values.format as ConfigFormat | undefined,
    registration: values.registration,
    server: values.server,
    transport: values.transport as RegisterOptions['transport'],
    user: values.user,
    password: values.password,
    domain: values.domain,
    expires,
    duration,
    trace: values.trace,
  };
}
