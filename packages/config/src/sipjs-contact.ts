/**
 * How SIP.js 0.21 writes `contactName` and `contactParams` into its Contact URI, made safe: the
 * same bytes where SIP.js writes a valid URI, %XX escapes where it would not.
 */

/**
 * The Contact user SIP.js writes for `name`: decoded, then every character but the unreserved
 * ones and `: + ? /` %XX-escaped (its `URI.escapeUser`), so `alice@example.com` goes out as
 * `alice%40example.com`. Undefined when `name` holds a `%` that does not start a valid escape,
 * which SIP.js cannot write either (it throws on every message).
 */
export function sipJsContactUser(name: string): string | undefined {
  try {
    return encodeURIComponent(decodeURIComponent(name)).replace(/%(3A|2B|3F|2F)/gi, (e) =>
      decodeURIComponent(e),
    );
  } catch {
    return undefined;
  }
}

/**
 * A Contact URI parameter name or value with every character a URI parameter cannot hold %XX-escaped
 * (RFC 3261 section 25.1 `paramchar`); valid escapes stay. SIP.js writes such characters raw (apps
 * put `+sip.instance="<urn:uuid:...>"` there), which makes a Contact no parser accepts. Undefined
 * for text with a lone surrogate.
 */
export function uriParamText(text: string): string | undefined {
  try {
    return text.replace(/%(?![0-9A-Fa-f]{2})|[^\w\-.!~*'()[\]/:&+$%]/gu, (c) =>
      c === '%' ? '%25' : encodeURIComponent(c),
    );
  } catch {
    return undefined;
  }
}
