import { createResponse, type NameAddr, type SipRequest, type SipResponse, serialize } from '@sipkit/parser';
import {
  type Authenticator,
  type DigestPolicy,
  type LocalInfo,
  type ProfileName,
  type RandomSource,
  Registerer,
  type RegistererOptions,
  type RegisterSender,
  type StateChange,
} from '@sipkit/registerer';
import { VirtualClock } from '@sipkit/transport';

/** Answers one REGISTER; `'hang'` leaves it pending until the test calls `release`. */
export type Responder = (req: SipRequest) => SipResponse | 'hang' | 'throw';

/** A scripted RegisterSender that records every REGISTER with the clock time it was sent. */
export class FakeSender implements RegisterSender {
  local: LocalInfo = { host: 'abcdefghijkl.invalid', port: 0, transport: 'wss' };
  readonly sent: SipRequest[] = [];
  readonly times: number[] = [];
  private readonly script: Responder[] = [];
  fallback: Responder | undefined;
  readonly hung: { req: SipRequest; resolve: (r: SipResponse) => void }[] = [];

  constructor(private readonly clock: VirtualClock) {}

  /** Queues responders for the next requests, in order. */
  answer(...responders: Responder[]): this {
    this.script.push(...responders);
    return this;
  }

  send(req: SipRequest): Promise<SipResponse> {
    this.sent.push(req);
    this.times.push(this.clock.now());
    const responder = this.script.shift() ?? this.fallback;
    if (!responder) return Promise.reject(new Error(`unscripted REGISTER #${this.sent.length}`));
    const out = responder(req);
    if (out === 'throw') return Promise.reject(new Error('socket closed'));
    if (out === 'hang') return new Promise((resolve) => this.hung.push({ req, resolve }));
    return Promise.resolve(out);
  }

  /** Answers the oldest hung request. */
  release(responder: Responder): void {
    const h = this.hung.shift();
    if (!h) throw new Error('nothing hung');
    const out = responder(h.req);
    if (typeof out === 'string') throw new Error('release needs a response');
    h.resolve(out);
  }

  get last(): SipRequest {
    return this.sent[this.sent.length - 1]!;
  }
}

/** A response to `req` with extra headers. */
export function reply(req: SipRequest, status: number, headers: [string, string][] = []): SipResponse {
  return createResponse(req, status, { toTag: 'srvtag', headers });
}

/** Our Contact from the request with its own expires replaced, as a registrar lists it. */
export function echoContact(req: SipRequest, expires?: number, extra = ''): string {
  const c = req.contact[0] as NameAddr;
  const copy = c.clone();
  copy.params.delete('expires');
  if (expires !== undefined) copy.params.set('expires', String(expires));
  return copy.toString() + extra;
}

/** 200 OK echoing our Contact with `;expires=N`. */
export const ok =
  (expires: number, headers: [string, string][] = []): Responder =>
  (req) =>
    reply(req, 200, [['Contact', echoContact(req, expires)], ...headers]);

/** A response with the given status and headers. */
export const status =
  (code: number, headers: [string, string][] = []): Responder =>
  (req) =>
    reply(req, code, headers);

/** 401 with a digest challenge. */
export const challenge = (opts: { stale?: boolean; proxy?: boolean; nonce?: string } = {}): Responder =>
  status(opts.proxy ? 407 : 401, [
    [
      opts.proxy ? 'Proxy-Authenticate' : 'WWW-Authenticate',
      `Digest realm="example.com", nonce="${opts.nonce ?? 'n1'}", qop="auth", algorithm=MD5${opts.stale ? ', stale=true' : ''}`,
    ],
  ]);

/** A fake digest client: adds a recognisable header; `answer: false` refuses. */
export class FakeAuthenticator implements Authenticator {
  calls = 0;
  policies: (DigestPolicy | undefined)[] = [];
  constructor(public answer = true) {}
  authorize(ch: SipResponse, req: SipRequest, policy?: DigestPolicy): boolean {
    this.calls++;
    this.policies.push(policy);
    if (!this.answer) return false;
    const name = ch.status === 407 ? 'Proxy-Authorization' : 'Authorization';
    const nonce = ch.challenges[0]?.param('nonce') ?? '';
    req.headers.append(
      name,
      `Digest username="alice", nonce="${nonce}", nc=00000001, response="r${this.calls}"`,
    );
    this.last = { name, nonce, nc: 1 };
    return true;
  }
  /** The last challenge answered, for {@link preauthorize}. */
  last: { name: string; nonce: string; nc: number } | undefined;
  /** Answers the last challenge again with the next nonce count, as a digest client does. */
  preauthorize(req: SipRequest): boolean {
    const last = this.last;
    if (!last) return false;
    last.nc++;
    const nc = String(last.nc).padStart(8, '0');
    req.headers.append(
      last.name,
      `Digest username="alice", nonce="${last.nonce}", nc=${nc}, response="p${nc}"`,
    );
    return true;
  }
}

/**
 * Random bytes for tests: 4-byte draws (uniform numbers) come from `u` (0 ≤ u < 1), every
 * other draw is a changing counter so tags and ids differ.
 */
export function testRandom(u = 0): { random: (n: number) => Uint8Array; setU(v: number): void } {
  let n = 1;
  let value = u;
  return {
    random(length) {
      const out = new Uint8Array(length);
      if (length === 4) {
        const x = Math.min(2 ** 32 - 1, Math.floor(value * 2 ** 32));
        out[0] = x >>> 24;
        out[1] = (x >>> 16) & 0xff;
        out[2] = (x >>> 8) & 0xff;
        out[3] = x & 0xff;
        return out;
      }
      for (let i = 0; i < length; i++) out[i] = (n * 31 + i * 7) & 0xff;
      n++;
      return out;
    },
    setU(v) {
      value = v;
    },
  };
}

/** Lets every pending promise chain run. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
}

/** Fires the next timer (advancing exactly to it) and lets the responses run. */
export async function tick(clock: VirtualClock): Promise<void> {
  if (!clock.next()) throw new Error('no timer pending');
  await flush();
}

/** The options every registerer needs (AOR and ports, on a virtual clock), without a profile. */
export function portsOnly(): { aor: string; clock: VirtualClock; random: RandomSource; sender: FakeSender } {
  const clock = new VirtualClock();
  return { aor: 'sip:a@example.com', clock, random: testRandom().random, sender: new FakeSender(clock) };
}

/** A registerer on a virtual clock with a fake sender; records every state change. */
export function setup(
  profile: ProfileName | RegistererOptions['profile'],
  extra: Partial<RegistererOptions> = {},
  u = 0,
): {
  clock: VirtualClock;
  sender: FakeSender;
  auth: FakeAuthenticator;
  reg: Registerer;
  changes: StateChange[];
  rnd: ReturnType<typeof testRandom>;
} {
  const clock = new VirtualClock();
  const sender = new FakeSender(clock);
  const auth = new FakeAuthenticator();
  const rnd = testRandom(u);
  const reg = new Registerer({
    aor: 'sip:alice@example.com',
    profile,
    clock,
    random: rnd.random,
    sender,
    authenticator: auth,
    ...extra,
  });
  const changes: StateChange[] = [];
  reg.on('state', (c) => changes.push(c));
  return { clock, sender, auth, reg, changes, rnd };
}

/** Header lines of a request as `Name: value`, without Content-Length. */
export function lines(req: SipRequest): string[] {
  return new TextDecoder()
    .decode(serialize(req))
    .split('\r\n')
    .filter((l) => l !== '' && !l.startsWith('Content-Length'));
}

/** Header names in order. */
export function names(req: SipRequest): string[] {
  return [...req.headers.entries()].map(([n]) => n);
}

/** Swallows a promise's rejection and returns its error (or undefined). */
export async function settle<T>(
  p: Promise<T>,
): Promise<{ value?: T; error?: Error & { code?: string; nextRetryAt?: number } }> {
  try {
    return { value: await p };
  } catch (e) {
    return { error: e as Error & { code?: string; nextRetryAt?: number } };
  }
}
