import type { SipResponse } from '@sipkit/parser';
import { createResponse } from '@sipkit/parser';
import type { Logger } from '@sipkit/transport';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TransactionUser } from '../src/index.js';
import { lines, rawRequest, setup, UA } from './helpers.js';

afterEach(() => {
  vi.restoreAllMocks();
});

function recordingLogger(): Logger & { errors: string[] } {
  const errors: string[] = [];
  return { errors, debug() {}, info() {}, warn() {}, error: (m) => errors.push(m) };
}

/** A layer whose TU runs `onRequest` (and `onCancel`), with a logger that records errors. */
function faultyUser(user: TransactionUser, withLogger = true) {
  const logger = recordingLogger();
  const env = setup('UDP', withLogger ? { logger } : {});
  env.layer.user = user;
  const inbox = env.peer.inbox();
  return { ...env, logger, inbox };
}

const statuses = (inbox: { kind: string }[]) =>
  inbox.filter((m): m is SipResponse => m.kind === 'response').map((r) => r.status);

describe('a transaction user that throws', () => {
  it('non-INVITE: logged as an error, answered 500, and the transaction ends (RFC 3261 21.5.1)', () => {
    const env = faultyUser({
      onRequest() {
        throw new Error('TU bug');
      },
    });
    env.peer.sendText(rawRequest('OPTIONS'), UA);
    env.clock.advance(5);
    expect(env.logger.errors).toEqual(['the transaction user threw on OPTIONS: TU bug']);
    expect(lines(env.net, UA).map(([, l]) => l)).toEqual(['SIP/2.0 500 Server Internal Error']);
    env.clock.advance(10);
    expect(statuses(env.inbox)).toEqual([500]);
    expect((env.inbox[0] as SipResponse).to?.tag).toBeDefined();
    // Completed, then gone after Timer J: nothing held in the layer's map.
    env.clock.advance(32_000);
    expect(env.layer.serverCount).toBe(0);
    expect(env.clock.pending).toBe(0);
  });

  it('INVITE: the 500 carries the To tag of the provisional already sent', () => {
    const env = faultyUser({
      onRequest(tx, request) {
        tx.respond(createResponse(request, 180, { toTag: 'ring' }));
        throw new Error('TU bug after 180');
      },
    });
    env.peer.sendText(rawRequest('INVITE'), UA);
    env.clock.advance(15);
    expect(statuses(env.inbox)).toEqual([180, 500]);
    expect((env.inbox[1] as SipResponse).to?.tag).toBe('ring');
    expect(env.logger.errors).toHaveLength(1);
    // No ACK comes: Timer H ends it.
    env.clock.advance(64 * 500);
    expect(env.layer.serverCount).toBe(0);
  });

  it('a request the TU answered before it threw gets no second answer', () => {
    const env = faultyUser({
      onRequest(tx, request) {
        tx.respond(createResponse(request, 200, { toTag: 'ok' }));
        throw new Error('late bug');
      },
    });
    env.peer.sendText(rawRequest('OPTIONS'), UA);
    env.clock.advance(15);
    expect(statuses(env.inbox)).toEqual([200]);
    expect(env.logger.errors).toEqual(['the transaction user threw on OPTIONS: late bug']);
  });

  it('a throwing onCancel: the CANCEL gets 500', () => {
    const env = faultyUser({
      onRequest() {},
      onCancel() {
        throw new Error('cancel bug');
      },
    });
    env.peer.sendText(rawRequest('CANCEL'), UA);
    env.clock.advance(15);
    expect(statuses(env.inbox)).toEqual([500]);
    expect(env.logger.errors).toEqual(['the transaction user threw on CANCEL: cancel bug']);
  });

  it('without a logger the error is rethrown in a microtask, and the request is still answered', () => {
    const queued: (() => void)[] = [];
    vi.spyOn(globalThis, 'queueMicrotask').mockImplementation((fn) => {
      queued.push(fn);
    });
    const bug = new Error('TU bug');
    const env = faultyUser(
      {
        onRequest() {
          throw bug;
        },
      },
      false,
    );
    env.peer.sendText(rawRequest('OPTIONS'), UA);
    env.clock.advance(15);
    vi.restoreAllMocks();
    expect(statuses(env.inbox)).toEqual([500]);
    expect(queued).toHaveLength(1);
    expect(() => queued[0]!()).toThrow(bug);
  });
});
