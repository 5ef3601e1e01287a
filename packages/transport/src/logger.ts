import type { Endpoint } from './transport.js';

/**
 * Where sipkit writes its diagnostics. Injected; sipkit never writes to the console itself.
 * Messages never contain passwords, HA1 values or Authorization header values.
 */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A logger that drops everything: the default. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};

/** Direction of a traced message, seen from this transport. */
export type TraceDirection = 'in' | 'out';

/**
 * Receives every SIP message (and keep-alive) a transport sends or receives, as the exact
 * bytes on the wire (or text, for WebSocket text frames). The bytes may carry credentials
 * (Authorization headers): pass them through {@link redactCredentials} before storing them.
 */
export type TraceHook = (direction: TraceDirection, data: Uint8Array | string, peer: Endpoint) => void;

const AUTH_LINE = /^((?:proxy-)?authorization[ \t]*:)[^\r\n]*/gim;

/** Replaces the value of every Authorization and Proxy-Authorization header with `<redacted>`. */
export function redactCredentials(data: Uint8Array | string): string {
  const text = typeof data === 'string' ? data : new TextDecoder().decode(data);
  return text.replace(AUTH_LINE, '$1 <redacted>');
}
