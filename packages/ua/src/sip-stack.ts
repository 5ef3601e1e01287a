import type { ServerConfig } from '@sipkit/config';
import { createResponse, type SipRequest } from '@sipkit/parser';
import { generateTag, type ServerTransaction } from '@sipkit/transaction';
import type { TransportState } from '@sipkit/transport';
import { Emitter } from '@sipkit/transport';
import { UserAgentError } from './errors.js';
import { addMember, firstMember, type MemberIndex, removeMember } from './member-index.js';
import { type SipStackEvents, type SipStackOptions, StackBase, type StackMember } from './stack-base.js';
import { TimerQueue } from './timer-queue.js';

export type {
  SipStackEvents,
  SipStackOptions,
  SipStackState,
  StackMember,
  StackViaOptions,
} from './stack-base.js';

/**
 * How long `SipStack.stop()` waits for one user agent's stop before a lane moves on to the next:
 * long enough for an answered un-REGISTER (a loopback round trip is well under a millisecond, a
 * busy registrar's some tens), short against the 2 s a silent registrar costs each user agent.
 */
const STOP_PACE_MS = 200;

/**
 * How long a user agent's first registration holds its place among the `startConcurrency`:
 * registered or failed sooner on any registrar that answers (two round trips with a digest
 * challenge), and short against Timer F (32 s), which a silent registrar would make every place wait.
 */
const START_PACE_MS = 1_000;

/** Identity of a server for matching a config against a stack. */
function serverKey(s: ServerConfig): string {
  return `${s.transport} ${s.url ?? ''} ${s.uri.toString()}`;
}

/**
 * One transport and one transaction layer shared by many user agents in one process: what load
 * generators, SIP bots and monitors want (one socket for thousands of registrations). Responses
 * reach the right user agent through the transaction layer (by branch); requests from the network
 * go to the user agent whose Contact user (or Asterisk `line`, or address-of-record) the
 * Request-URI names. The stack answers the rest itself: 404 for an unknown user, and for the
 * stack's own address (no user part) 200 to OPTIONS and 405 to other methods (RFC 3261 sections
 * 8.2.2.1, 11.2, 8.2.1). Transport reconnects and RFC 5626 flow failures reach every attached user
 * agent, so each registerer re-registers as a lone user agent would.
 *
 * ```ts
 * const stack = new SipStack({ servers, transportFactory: nodeTransportFactory });
 * await stack.start();
 * const ua = new UserAgent(config, { stack });
 * await ua.start(); // registers over the shared transport
 * await stack.stop(); // stops (unregisters) the user agents still attached, then closes
 * ```
 */
export class SipStack extends StackBase {
  /** Made on the first shared user agent: a user agent's own stack never needs it. */
  private serverKeys: ReadonlySet<string> | undefined;
  /**
   * Attached user agents by Contact user (an array when several share one, as Asterisk's `s`
   * does): the one index serves request routing and the fan-out of transport changes.
   */
  private readonly byContactUser: MemberIndex = new Map();
  /**
   * Members by address-of-record and by Asterisk `line`, made on the first request that needs
   * one and kept up to date from then on: most stacks never get such a request, and without the
   * index each one (a SIP scanner's junk to unknown users, say) would walk every member.
   */
  private byAor: MemberIndex | undefined;
  private byLine: MemberIndex | undefined;
  private memberCount = 0;
  /**
   * User agents (first registration) and registerers (registering again after a reconnect or a
   * failed flow) waiting for their turn, oldest first, with what begins it.
   */
  private readonly admissions = new Map<object, () => Promise<unknown>>();
  /** Registrations begun through {@link SipStack.admit} and not yet settled (see `startConcurrency`). */
  private admitted = 0;
  private connectedWaiter: { promise: Promise<void>; resolve(): void; reject(e: Error): void } | undefined;

  /** A stack over `options.servers`; it connects on {@link SipStack.start}. */
  constructor(options: SipStackOptions) {
    // Every attached user agent and the transaction layer share one timer of the injected clock.
    super(options, (base) => new TimerQueue(base));
    for (const key of ['stopConcurrency', 'startConcurrency'] as const) {
      const n = options[key];
      if (n !== undefined && !((Number.isInteger(n) || n === Number.POSITIVE_INFINITY) && n >= 1))
        throw new RangeError(`${key} must be an integer of at least 1, or Infinity`);
    }
  }

  /** The shared transport's connection state (`disconnected` before `start()`). */
  get transportState(): TransportState {
    return this.transport?.state ?? 'disconnected';
  }

  /** How many user agents are attached now. */
  get userAgentCount(): number {
    return this.memberCount + (this.owner ? 1 : 0);
  }

  /** Subscribes to an event; returns the unsubscribe function. */
  on<E extends keyof SipStackEvents & string>(event: E, listener: SipStackEvents[E]): () => void {
    this.events ??= new Emitter<SipStackEvents>(this.logger);
    return this.events.on(event, listener);
  }

  /** True when `servers` names the same servers as this stack (order and weights aside). */
  matches(servers: readonly ServerConfig[]): boolean {
    if (servers === this.servers) return true;
    this.serverKeys ??= new Set(this.servers.map(serverKey));
    const mine = this.serverKeys;
    const keys = new Set(servers.map(serverKey));
    if (keys.size !== mine.size) return false;
    for (const k of keys) if (!mine.has(k)) return false;
    return true;
  }

  /**
   * Throws the {@link UserAgentError} a user agent whose config names `servers` fails to start
   * with: `STACK_NOT_STARTED` unless this stack is started, `STACK_MISMATCH` unless it uses
   * those servers.
   * @internal
   */
  checkJoin(servers: readonly ServerConfig[]): void {
    if (this.current !== 'started')
      throw new UserAgentError('STACK_NOT_STARTED', `the stack is ${this.current}; call stack.start() first`);
    if (!this.matches(servers))
      throw new UserAgentError(
        'STACK_MISMATCH',
        `the configuration names servers the stack does not use (${servers.map((s) => s.uri).join(', ')})`,
      );
  }

  /**
   * Attaches a user agent: it now receives transport changes and its requests.
   * @internal
   */
  attach(member: StackMember): void {
    if (member === this.owner) return;
    const user = member.contactUser;
    if (user === undefined) throw new UserAgentError('NOT_STARTED', 'a member needs its Contact user');
    if (!addMember(this.byContactUser, user, member)) return;
    this.memberCount++;
    if (this.byAor && member.aorKey !== undefined) addMember(this.byAor, member.aorKey, member);
    if (this.byLine && member.line !== undefined) addMember(this.byLine, member.line, member);
  }

  /**
   * Detaches a user agent (it stopped).
   * @internal
   */
  detach(member: StackMember): void {
    this.admissions.delete(member);
    if (member.registerer) this.admissions.delete(member.registerer);
    if (this.owner === member) {
      this.owner = undefined;
      return;
    }
    const user = member.contactUser;
    if (user === undefined || !removeMember(this.byContactUser, user, member)) return;
    this.memberCount--;
    if (this.byAor && member.aorKey !== undefined) removeMember(this.byAor, member.aorKey, member);
    if (this.byLine && member.line !== undefined) removeMember(this.byLine, member.line, member);
  }

  /**
   * Resolves when the transport is connected (at once if it is); rejects when the stack stops.
   * @internal
   */
  whenConnected(): Promise<void> {
    if (this.transport?.state === 'connected') return Promise.resolve();
    if (this.current === 'stopping' || this.current === 'stopped')
      return Promise.reject(new UserAgentError('STOPPED', 'the stack is stopped'));
    if (!this.connectedWaiter) {
      let resolve!: () => void;
      let reject!: (e: Error) => void;
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      this.connectedWaiter = { promise, resolve, reject };
    }
    return this.connectedWaiter.promise;
  }

  /**
   * Begins the registration of `key` now when fewer than `startConcurrency` are under way, else
   * in its turn (a later call for the same key keeps the turn, with the later `begin`). A place is
   * held until `begin` settles (registered, or failed) or for at most 1 s, so a registrar that
   * does not answer slows the registrations down without stopping them. Turns wait while the
   * transport is down (they would only fail at once), and end when the stack stops.
   * @internal
   */
  override admit(key: object, begin: () => Promise<unknown>): void {
    if (this.current === 'stopping' || this.current === 'stopped') return;
    this.admissions.set(key, begin);
    this.admitNext();
  }

  /** Begins the oldest turns while there are places and a transport to send on. */
  private admitNext(): void {
    const places = this.options.startConcurrency ?? 200;
    while (this.admitted < places && this.current === 'started' && this.transport?.state === 'connected') {
      const next = this.admissions.entries().next();
      if (next.done) return;
      this.admissions.delete(next.value[0]);
      this.begin(next.value[1]);
    }
  }

  private begin(begin: () => Promise<unknown>): void {
    this.admitted++;
    let held = true;
    const free = () => {
      if (!held) return;
      held = false;
      this.clock.clearTimeout(timer);
      this.admitted--;
      this.admitNext();
    };
    const timer = this.clock.setTimeout(free, START_PACE_MS);
    begin().then(free, free);
  }

  /**
   * Stops the attached user agents `stopConcurrency` at a time (default 100): each sends an
   * un-REGISTER, and thousands in one burst overflow the socket buffers on the way, so that many
   * never reach the registrar within their graceful-shutdown time. A lane waits for a user agent
   * at most 200 ms before it starts the next one, so a registrar that does not
   * answer costs about one graceful-shutdown time in all, not one per lane's turn.
   */
  protected override async stopMembers(): Promise<void> {
    this.admissions.clear(); // registrations not begun yet never will be
    const members = this.members();
    const stops: Promise<void>[] = [];
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < members.length) {
        const stopping = members[next++]!.stop();
        stops.push(stopping);
        await new Promise<void>((resolve) => {
          const timer = this.clock.setTimeout(resolve, STOP_PACE_MS);
          const done = () => {
            this.clock.clearTimeout(timer);
            resolve();
          };
          stopping.then(done, done);
        });
      }
    };
    const lanes = Math.min(this.options.stopConcurrency ?? 100, members.length);
    await Promise.all(Array.from({ length: lanes }, lane));
    await Promise.allSettled(stops);
  }

  /** Every attached member (the owner first), as a list that later changes do not affect. */
  protected override members(): StackMember[] {
    const out = super.members();
    for (const m of this.byContactUser.values()) {
      if (Array.isArray(m)) out.push(...m);
      else out.push(m);
    }
    return out;
  }

  /**
   * Transaction user entry point: dispatches a request to its user agent (the owner, else the
   * member its Request-URI names) or answers it.
   * @internal
   */
  override onRequest(tx: ServerTransaction, request: SipRequest): void {
    const member = this.owner ?? this.route(request);
    if (member) {
      member.handleRequest(tx, request);
      return;
    }
    const uri = request.uri;
    if (uri.kind === 'sip' && uri.user !== undefined) {
      // RFC 3261 section 8.2.2.1: not an address this stack accepts requests for.
      const headers: [string, string][] = this.options.userAgent ? [['Server', this.options.userAgent]] : [];
      tx.respond(createResponse(request, 404, { toTag: generateTag(this.random), headers }));
      return;
    }
    super.onRequest(tx, request);
  }

  /** The member a request is for: by Asterisk `line`, Contact user, then address-of-record. */
  private route(request: SipRequest): StackMember | undefined {
    const uri = request.uri;
    if (uri.kind !== 'sip') return undefined;
    const line = uri.params.get('line');
    if (line) {
      this.byLine ??= this.index((m) => m.line);
      const byLine = firstMember(this.byLine, line);
      if (byLine) return byLine;
    }
    const user = uri.user;
    if (user === undefined) return undefined;
    const byContact = firstMember(this.byContactUser, user);
    if (byContact) return byContact;
    this.byAor ??= this.index((m) => m.aorKey);
    return firstMember(this.byAor, `${user}@${uri.hostname.toLowerCase()}`);
  }

  /** An index by `keyOf` of the attached members (the owner, which takes every request, aside). */
  private index(keyOf: (m: StackMember) => string | undefined): MemberIndex {
    const index: MemberIndex = new Map();
    for (const entry of this.byContactUser.values()) {
      for (const m of Array.isArray(entry) ? entry : [entry]) {
        const key = keyOf(m);
        if (key !== undefined) addMember(index, key, m);
      }
    }
    return index;
  }

  /** The transport changed state: a connection also settles {@link SipStack.whenConnected}. */
  protected override onTransportState(state: TransportState): void {
    if (state === 'connected' && this.connectedWaiter) {
      const w = this.connectedWaiter;
      this.connectedWaiter = undefined;
      w.resolve();
    }
    super.onTransportState(state);
    if (state === 'connected') this.admitNext();
  }

  /** Closes as a lone stack does, and fails a pending {@link SipStack.whenConnected}. */
  protected override async close(): Promise<void> {
    const waiter = this.connectedWaiter;
    this.connectedWaiter = undefined;
    waiter?.reject(new UserAgentError('STOPPED', 'the stack stopped'));
    await super.close();
  }
}
