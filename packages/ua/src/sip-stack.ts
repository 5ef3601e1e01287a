import type { ServerConfig } from '@sipkit/config';
import type { SipRequest } from '@sipkit/parser';
import type { TransportState } from '@sipkit/transport';
import { Emitter } from '@sipkit/transport';
import { UserAgentError } from './errors.js';
import { type SipStackEvents, type SipStackOptions, StackBase, type StackMember } from './stack-base.js';
import { TimerQueue } from './timer-queue.js';

export type { SipStackEvents, SipStackOptions, SipStackState, StackMember } from './stack-base.js';

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
  private readonly byContactUser = new Map<string, StackMember | StackMember[]>();
  private memberCount = 0;
  private connectedWaiter: { promise: Promise<void>; resolve(): void; reject(e: Error): void } | undefined;

  /** A stack over `options.servers`; it connects on {@link SipStack.start}. */
  constructor(options: SipStackOptions) {
    // Every attached user agent and the transaction layer share one timer of the injected clock.
    super(options, (base) => new TimerQueue(base));
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
    const current = this.byContactUser.get(user);
    if (current === undefined) this.byContactUser.set(user, member);
    else if (Array.isArray(current)) {
      if (!current.includes(member)) current.push(member);
      else return;
    } else if (current !== member) this.byContactUser.set(user, [current, member]);
    else return;
    this.memberCount++;
  }

  /**
   * Detaches a user agent (it stopped).
   * @internal
   */
  detach(member: StackMember): void {
    if (this.owner === member) {
      this.owner = undefined;
      return;
    }
    const user = member.contactUser;
    if (user === undefined) return;
    const current = this.byContactUser.get(user);
    if (current === member) {
      this.byContactUser.delete(user);
      this.memberCount--;
    } else if (Array.isArray(current)) {
      const i = current.indexOf(member);
      if (i < 0) return;
      current.splice(i, 1);
      // The first attached of the rest takes over its requests.
      if (current.length === 1) this.byContactUser.set(user, current[0]!);
      this.memberCount--;
    }
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

  /** Every attached member (the owner first), as a list that later changes do not affect. */
  protected override members(): StackMember[] {
    const out = super.members();
    for (const m of this.byContactUser.values()) {
      if (Array.isArray(m)) out.push(...m);
      else out.push(m);
    }
    return out;
  }

  /** The member a request is for: by Asterisk `line`, Contact user, then address-of-record. */
  protected override route(request: SipRequest): StackMember | undefined {
    const uri = request.uri;
    if (uri.kind !== 'sip') return undefined;
    const line = uri.params.get('line');
    if (line) {
      for (const m of this.members()) if (m.line === line) return m;
    }
    const user = uri.user;
    if (user === undefined) return undefined;
    const byContact = this.byContactUser.get(user);
    if (byContact) return Array.isArray(byContact) ? byContact[0] : byContact;
    const host = uri.hostname.toLowerCase();
    for (const m of this.members()) if (m.ownsAor(user, host)) return m;
    return undefined;
  }

  /** The transport changed state: a connection also settles {@link SipStack.whenConnected}. */
  protected override onTransportState(state: TransportState): void {
    if (state === 'connected' && this.connectedWaiter) {
      const w = this.connectedWaiter;
      this.connectedWaiter = undefined;
      w.resolve();
    }
    super.onTransportState(state);
  }

  /** Closes as a lone stack does, and fails a pending {@link SipStack.whenConnected}. */
  protected override async close(): Promise<void> {
    const waiter = this.connectedWaiter;
    this.connectedWaiter = undefined;
    waiter?.reject(new UserAgentError('STOPPED', 'the stack stopped'));
    await super.close();
  }
}
