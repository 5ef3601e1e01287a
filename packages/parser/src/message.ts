import type { AuthValue } from './auth.js';
import type { CSeq } from './cseq.js';
import { keyId } from './header-names.js';
import { Headers } from './headers.js';
import type { NameAddr, STAR } from './name-addr.js';
import type { Uri } from './uri.js';
import type { Via } from './via.js';

const EMPTY = new Uint8Array(0);
const VIA = keyId('via');
const FROM = keyId('from');
const TO = keyId('to');
const CALL_ID = keyId('call-id');
const CSEQ = keyId('cseq');
const CONTACT = keyId('contact');

/**
 * What both requests and responses share: headers, body bytes and typed shortcuts. The typed
 * shortcuts (`via`, `from`, `to`, `contact`, ...) are read-only views of the header lines, as
 * {@link Headers.typed} explains: edits go through `headers.set` or the builder.
 */
abstract class SipMessageBase {
  /** The body as bytes; Content-Length counts these. */
  body: Uint8Array;
  constructor(
    /** Every header line in order, with typed access. */
    public readonly headers: Headers = new Headers(),
    body: Uint8Array = EMPTY,
  ) {
    this.body = body;
  }

  /** Every Via value, topmost first (read-only views). */
  get via(): Via[] {
    return this.headers.typedAt(VIA, 'via') as Via[];
  }
  /** The topmost Via (a read-only view: to change it, `headers.set` the Via lines). */
  get topVia(): Via | undefined {
    return this.headers.typedAt(VIA, 'via')[0] as Via | undefined;
  }
  /** The From value (address and `tag`), parsed on first access; a read-only view. */
  get from(): NameAddr | undefined {
    return this.headers.typedAt(FROM, 'from')[0] as NameAddr | undefined;
  }
  /** The To value (address and `tag`), parsed on first access; a read-only view. */
  get to(): NameAddr | undefined {
    return this.headers.typedAt(TO, 'to')[0] as NameAddr | undefined;
  }
  /** The Call-ID. */
  get callId(): string | undefined {
    return this.headers.typedAt(CALL_ID, 'call-id')[0] as string | undefined;
  }
  /** The CSeq number and method (a read-only view). */
  get cseq(): CSeq | undefined {
    return this.headers.typedAt(CSEQ, 'cseq')[0] as CSeq | undefined;
  }
  /** Contact values (read-only views); a single `'*'` entry for the wildcard. */
  get contact(): (NameAddr | typeof STAR)[] {
    return this.headers.typedAt(CONTACT, 'contact') as (NameAddr | typeof STAR)[];
  }
  /** Max-Forwards, when present. */
  get maxForwards(): number | undefined {
    return this.headers.first('max-forwards');
  }
  /** The Expires header in seconds (not a Contact's `expires` parameter); beyond 2**32 - 1 it reads as 3600. */
  get expires(): number | undefined {
    return this.headers.first('expires');
  }
  /** Route entries (read-only views), first hop first; empty when absent. */
  get route(): NameAddr[] {
    return this.headers.typed('route');
  }
  /** Record-Route entries (read-only views), topmost first; empty when absent. */
  get recordRoute(): NameAddr[] {
    return this.headers.typed('record-route');
  }
  /** The body decoded as UTF-8 (for SDP and other text bodies). */
  get bodyText(): string {
    return new TextDecoder().decode(this.body);
  }
}

/** A SIP request. */
export class SipRequest extends SipMessageBase {
  /** Tells a request from a response in a {@link SipMessage}. */
  readonly kind = 'request' as const;
  constructor(
    /** The method as written (case-sensitive: `INVITE`, `REGISTER`, ...). */
    public method: string,
    /** The Request-URI. */
    public uri: Uri,
    headers?: Headers,
    body?: Uint8Array,
  ) {
    super(headers, body);
  }
  /** Authorization values (all lines; read-only views). */
  get authorization(): AuthValue[] {
    return this.headers.typed('authorization');
  }
}

/** A SIP response. */
export class SipResponse extends SipMessageBase {
  /** Tells a response from a request in a {@link SipMessage}. */
  readonly kind = 'response' as const;
  constructor(
    /** Status code, 100 to 699. */
    public status: number,
    /** Reason phrase as written (may be empty). */
    public reason: string,
    headers?: Headers,
    body?: Uint8Array,
  ) {
    super(headers, body);
  }
  /** WWW-Authenticate and Proxy-Authenticate challenges, in order (read-only views). */
  get challenges(): AuthValue[] {
    return [...this.headers.typed('www-authenticate'), ...this.headers.typed('proxy-authenticate')];
  }
}

/** A parsed or built SIP message. */
export type SipMessage = SipRequest | SipResponse;
