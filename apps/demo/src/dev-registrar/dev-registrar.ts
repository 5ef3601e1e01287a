import { type DigestAlgorithm, DigestCredentials, DigestVerifier } from '@sipkit/digest';
import { createResponse, type SipRequest } from '@sipkit/parser';
import {
  generateTag,
  type ServerTransaction,
  TransactionLayer,
  type TransactionUser,
} from '@sipkit/transaction';
import {
  type Clock,
  cryptoRandom,
  type Endpoint,
  type Logger,
  type RandomSource,
  silentLogger,
  systemClock,
  type Transport,
} from '@sipkit/transport';
import { TcpTransport, UdpTransport, WebSocketServerTransport } from '@sipkit/transport/node';
import { type Binding, LocationService } from './location-service.js';
import { handleRegister, type RegisterContext } from './register-handler.js';

/** A user the development registrar accepts. */
export interface DevUser {
  username: string;
  password: string;
}

/** Options of {@link DevRegistrar}. */
export interface DevRegistrarOptions {
  /** Address to listen on. Default 127.0.0.1. */
  host?: string;
  /** UDP port; 0 (default) picks a free one; null disables UDP. */
  udpPort?: number | null;
  /** TCP port; 0 (default) picks a free one; null disables TCP. */
  tcpPort?: number | null;
  /** WebSocket (RFC 7118) port; 0 picks a free one; null (default) disables WebSocket. */
  wsPort?: number | null;
  /** Domain (and digest realm) served. Default `example.test`. */
  domain?: string;
  users: readonly DevUser[];
  /** Challenges, most preferred first. Default SHA-256 then MD5 (RFC 8760). */
  algorithms?: readonly DigestAlgorithm[];
  /** Default 60. */
  minExpires?: number;
  /** Default 3600. */
  maxExpires?: number;
  /**
   * Live nonces kept (default 65536): every registering client holds one, and a refresh with a
   * retired nonce costs a second round trip (401 stale=true), so size it for the population.
   */
  maxNonces?: number;
  /**
   * Seconds of the `Flow-Timer` sent with `Require: outbound` (RFC 5626 section 5.4), telling
   * outbound clients how often to send keep-alives. Default: none (clients pick their own).
   */
  flowTimer?: number;
  clock?: Clock;
  /** Wall-clock milliseconds for the `Date` header of a 200 (default `Date.now`). */
  wallTime?: () => number;
  random?: RandomSource;
  logger?: Logger;
}

/** Where a started registrar listens. */
export interface DevRegistrarAddresses {
  udp?: Endpoint;
  tcp?: Endpoint;
  /** The WebSocket listener (`ws://host:port`), when `wsPort` was given. */
  ws?: Endpoint;
}

const ALLOW = 'REGISTER, OPTIONS';

/**
 * An in-process, digest-protected registrar for development and tests, built on sipkit's own
 * transport, transaction and digest layers: what `sipkit register` talks to when no server is
 * given. Bindings live in memory and lapse lazily.
 */
export class DevRegistrar implements TransactionUser {
  private readonly clock: Clock;
  private readonly random: RandomSource;
  private readonly logger: Logger;
  private readonly domain: string;
  private readonly location: LocationService;
  private readonly context: RegisterContext;
  private readonly stack: { transport: Transport; layer: TransactionLayer }[] = [];

  constructor(private readonly options: DevRegistrarOptions) {
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? cryptoRandom;
    this.logger = options.logger ?? silentLogger;
    this.domain = (options.domain ?? 'example.test').toLowerCase();
    this.location = new LocationService({
      minExpires: options.minExpires ?? 60,
      maxExpires: options.maxExpires ?? 3600,
      defaultExpires: 3600,
    });
    const verifier = new DigestVerifier({
      realm: this.domain,
      credentials: options.users.map((u) =>
        DigestCredentials.fromPassword({ username: u.username, password: u.password, realm: this.domain }),
      ),
      algorithms: options.algorithms ?? ['SHA-256', 'MD5'],
      random: this.random,
      maxNonces: options.maxNonces ?? 65536,
    });
    this.context = {
      domain: this.domain,
      location: this.location,
      verifier,
      now: () => this.clock.now(),
      wallTime: options.wallTime ?? Date.now,
      token: () => generateTag(this.random),
      flowTimer: options.flowTimer,
    };
  }

  /** Opens the listeners; resolves with their bound addresses. */
  async start(): Promise<DevRegistrarAddresses> {
    const host = this.options.host ?? '127.0.0.1';
    const common = { clock: this.clock, random: this.random, logger: this.logger, host };
    const out: DevRegistrarAddresses = {};
    if (this.options.udpPort !== null) {
      out.udp = (await this.listen(new UdpTransport({ ...common, port: this.options.udpPort ?? 0 }))).local;
    }
    if (this.options.tcpPort !== null) {
      out.tcp = (
        await this.listen(new TcpTransport({ ...common, port: this.options.tcpPort ?? 0, listen: true }))
      ).local;
    }
    if (this.options.wsPort != null) {
      out.ws = (
        await this.listen(new WebSocketServerTransport({ ...common, port: this.options.wsPort }))
      ).local;
    }
    this.logger.info(`development registrar for ${this.domain} on ${JSON.stringify(out)}`);
    return out;
  }

  private async listen(transport: Transport): Promise<Transport> {
    await transport.connect();
    const layer = new TransactionLayer({
      transport,
      clock: this.clock,
      random: this.random,
      user: this,
      supported: ['path', 'outbound', 'gruu'],
    });
    this.stack.push({ transport, layer });
    return transport;
  }

  /** Current bindings of an address-of-record (`sip:alice@example.test`). */
  bindings(aor: string): Binding[] {
    return this.location.bindings(aor, this.clock.now());
  }

  /** @internal Transaction user: every request that passed the transaction-layer checks. */
  onRequest(tx: ServerTransaction, request: SipRequest): void {
    if (request.method === 'REGISTER') {
      handleRegister(this.context, request).then(
        (response) => tx.respond(response),
        (e: unknown) => {
          this.logger.error(`REGISTER failed: ${(e as Error).message}`);
          tx.respond(createResponse(request, 500, { toTag: this.context.token() }));
        },
      );
      return;
    }
    const status = request.method === 'OPTIONS' ? 200 : 405;
    tx.respond(createResponse(request, status, { toTag: this.context.token(), headers: [['Allow', ALLOW]] }));
  }

  /** Closes every listener; nothing is left running. */
  async stop(): Promise<void> {
    for (const { transport, layer } of this.stack.splice(0)) {
      layer.close();
      await transport.close();
    }
  }
}
