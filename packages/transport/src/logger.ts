import type { Endpoint } from './transport.js';

/**
 * Where sipkit writes its diagnostics. Injected; sipkit never writes to the console itself.
 * Messages never contain passwords, HA1 values or Authorization header values.
 */
export interface Logger {
  /** Routine detail: state changes and connection attempts. */
  debug(message: string): void;
  /** Worth knowing, nothing to do: e.g. a connection attempt failed and will be retried. */
  info(message: string): void;
  /** A problem sipkit handled: a socket or TLS handshake error, a registration that failed, a throwing trace hook. */
  warn(message: string): void;
  /** A fault in caller code that sipkit caught, such as an event listener that threw. */
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

// The header line and its folded continuation lines (RFC 3261 7.3.1: lines that start with SP or HT).
const AUTH_LINE = /^((?:proxy-)?authorization[ \t]*:)[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*/gim;

/**
 * Replaces the value of every Authorization and Proxy-Authorization header with `<redacted>`,
 * folded continuation lines included.
 */
export function redactCredentials(data: Uint8Array | string): string {
  const text = typeof data === 'string' ? data : new TextDecoder().decode(data);
  return text.replace(AUTH_LINE, '$1 <redacted>');
}

/** `scheme://` then userinfo up to the last `@` before the path, query or fragment. */
const USERINFO = /([a-z][a-z\d+.-]*:\/\/)[^\s/?#]*@/gi;

/**
 * Replaces the userinfo of every URL in `text` with `***`: `ws://alice:secret@host/` becomes
 * `ws://***@host/`. Every URL that reaches an error message or a log line goes through it, as a
 * WebSocket URL may carry a password.
 */
export function redactUrls(text: string): string {
  return text.replace(USERINFO, '$1***@');
}
