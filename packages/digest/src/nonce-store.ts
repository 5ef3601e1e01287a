/** What the verifier remembers about one live nonce. */
export interface NonceState {
  /** Answers accepted with this nonce. */
  uses: number;
  /** Nonce counts accepted with this nonce, to refuse a replay. */
  readonly seen: Set<number>;
}

/**
 * The live nonces of a verifier, oldest first. Bounded: issuing past `max` retires the oldest,
 * which then counts as stale. No clock is involved; age is measured in nonces issued and uses.
 */
export class NonceStore {
  readonly #live = new Map<string, NonceState>();

  constructor(private readonly max: number) {}

  /** Makes a nonce live. */
  add(nonce: string): void {
    this.#live.set(nonce, { uses: 0, seen: new Set() });
    while (this.#live.size > this.max) this.#live.delete(this.#live.keys().next().value!);
  }

  /** The state of a live nonce; undefined when it was never issued or has been retired. */
  get(nonce: string): NonceState | undefined {
    return this.#live.get(nonce);
  }

  /** Retires one nonce. */
  retire(nonce: string): void {
    this.#live.delete(nonce);
  }

  /** Retires every nonce: all later answers with them are stale. */
  clear(): void {
    this.#live.clear();
  }

  /** Number of live nonces. */
  get size(): number {
    return this.#live.size;
  }
}
