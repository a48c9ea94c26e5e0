// Replay protection for proof `jti`s: the ReplayCache contract (async, so Redis-backed caches
// fit) and a bounded in-memory implementation for single-instance servers and tests.

import { fail } from '../core/errors.js';

/**
 * Remembers proof ids until they expire. `verifyRequest` calls it once per proof, after every
 * other check has passed, with an id scoped to the device key and the instant after which
 * the proof would be refused as too old anyway.
 *
 * Implementations must make the check and the store one atomic step, shared by all server
 * instances that accept proofs for the same devices; otherwise two concurrent copies of
 * one proof can both pass. With Redis, `SET … NX` is atomic (example for node-redis v4).
 *
 * @example
 * ```ts
 * const replayCache: ReplayCache = {
 *   async checkAndStore(id, expiresAt) {
 *     return (await redis.set(`dpop-jti:${id}`, '1', { NX: true, PXAT: expiresAt })) === 'OK';
 *   },
 * };
 * ```
 */
export interface ReplayCache {
  /**
   * Atomically: when `id` is recorded and not expired, resolves `false`; otherwise records
   * it until `expiresAt` (milliseconds since the epoch) and resolves `true`. Rejects when it
   * cannot tell (the proof is then refused).
   */
  checkAndStore(id: string, expiresAt: number): Promise<boolean>;
}

/**
 * Options for {@link MemoryReplayCache}.
 *
 * @example
 * ```ts
 * const replayCache = new MemoryReplayCache({ maxEntries: 20_000 });
 * ```
 */
export interface MemoryReplayCacheOptions {
  /** Most ids held at once (default 100 000, at least 1). */
  maxEntries?: number;
  /**
   * How long an id is remembered when `checkAndStore` is called without `expiresAt`
   * (default 300 s). `verifyRequest` always passes the proof's own expiry.
   */
  ttlSeconds?: number;
  /** Milliseconds since the epoch (default `Date.now`); for tests. */
  now?: () => number;
}

// How many expired entries each store clears from the oldest end, so memory follows the
// live set without a timer.
const HEAD_SWEEP = 4;

/**
 * A {@link ReplayCache} in process memory, bounded to `maxEntries`. Expired ids are dropped
 * oldest first as new ones arrive, and all at once when the cache is full.
 *
 * When it is full of ids that have not expired yet, it refuses new proofs (rejects with
 * `REPLAY_CHECK_FAILED`) instead of forgetting a live id: forgetting would let an attacker who can
 * fill the cache replay a captured proof, while refusing only delays honest clients until
 * entries expire. Only proofs with a valid signature from a bound device key reach the
 * cache, so filling it takes a registered device. Size `maxEntries` above the proofs all
 * devices send within `maxAgeSeconds` (default 300 s): 100 000 entries use roughly 15 MB.
 *
 * It serves one process only; servers with several instances need a shared cache (e.g.
 * Redis, see {@link ReplayCache}).
 *
 * @throws `INVALID_ARGUMENT` from the constructor for malformed options.
 * @example
 * ```ts
 * const replayCache = new MemoryReplayCache({ maxEntries: 50_000 });
 * const { deviceId } = await verifyRequest(request, { signingKey, replayCache });
 * ```
 */
export class MemoryReplayCache implements ReplayCache {
  readonly #entries = new Map<string, number>();
  readonly #maxEntries: number;
  readonly #ttlMs: number;
  readonly #now: () => number;
  /** No entry expires before this instant, so a full sweep before it would free nothing. */
  #earliestExpiry = Number.POSITIVE_INFINITY;

  constructor(options: MemoryReplayCacheOptions = {}) {
    if (typeof options !== 'object' || options === null)
      fail('INVALID_ARGUMENT', '"options" must be an object');
    const { maxEntries = 100_000, ttlSeconds = 300, now = Date.now } = options;
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
      fail('INVALID_ARGUMENT', '"options.maxEntries" must be a positive integer');
    }
    if (typeof ttlSeconds !== 'number' || !Number.isFinite(ttlSeconds) || ttlSeconds <= 0) {
      fail('INVALID_ARGUMENT', '"options.ttlSeconds" must be a positive number of seconds');
    }
    if (typeof now !== 'function') fail('INVALID_ARGUMENT', '"options.now" must be a function');
    this.#maxEntries = maxEntries;
    this.#ttlMs = ttlSeconds * 1000;
    this.#now = now;
  }

  /**
   * How many ids are held (expired ones included until they are swept).
   *
   * @example
   * ```ts
   * metrics.gauge('dpop_replay_cache_size', replayCache.size);
   * ```
   */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * Records `id` until `expiresAt` (default: now + `ttlSeconds`) unless it is already held.
   * Resolves `true` for a new id, `false` for one seen before that has not expired.
   *
   * @throws `INVALID_ARGUMENT` for an empty or non-string id or a non-numeric expiry;
   * `REPLAY_CHECK_FAILED` when the cache is full of unexpired ids (see the class description).
   * @example
   * ```ts
   * const fresh = await cache.checkAndStore(`${deviceId}:${jti}`, Date.now() + 300_000);
   * ```
   */
  async checkAndStore(id: string, expiresAt?: number): Promise<boolean> {
    // Everything below runs synchronously, so concurrent calls cannot interleave.
    if (typeof id !== 'string' || id.length === 0)
      fail('INVALID_ARGUMENT', '"id" must be a non-empty string');
    const now = this.#now();
    const expiry = expiresAt ?? now + this.#ttlMs;
    if (typeof expiry !== 'number' || Number.isNaN(expiry)) {
      fail('INVALID_ARGUMENT', '"expiresAt" must be milliseconds since the epoch');
    }
    const held = this.#entries.get(id);
    if (held !== undefined) {
      if (held > now) return false;
      this.#entries.delete(id);
    }
    if (expiry <= now) return true;
    this.#sweepHead(now);
    if (this.#entries.size >= this.#maxEntries) this.#sweepAll(now);
    if (this.#entries.size >= this.#maxEntries) {
      fail(
        'REPLAY_CHECK_FAILED',
        `the replay cache is full (${this.#maxEntries} unexpired ids), so this proof cannot be checked for replay and is refused; raise "maxEntries" or lower "maxAgeSeconds"`,
      );
    }
    this.#entries.set(id, expiry);
    if (expiry < this.#earliestExpiry) this.#earliestExpiry = expiry;
    return true;
  }

  /**
   * Forgets every id. Proofs seen before become acceptable again until they are too old, so
   * use it only in tests or when every outstanding proof is known to have expired.
   *
   * @example
   * ```ts
   * afterEach(() => replayCache.clear());
   * ```
   */
  clear(): void {
    this.#entries.clear();
    this.#earliestExpiry = Number.POSITIVE_INFINITY;
  }

  #sweepHead(now: number): void {
    let budget = HEAD_SWEEP;
    for (const [id, expiry] of this.#entries) {
      if (expiry > now || budget-- === 0) break;
      this.#entries.delete(id);
    }
  }

  #sweepAll(now: number): void {
    if (now < this.#earliestExpiry) return;
    let earliest = Number.POSITIVE_INFINITY;
    for (const [id, expiry] of this.#entries) {
      if (expiry <= now) this.#entries.delete(id);
      else if (expiry < earliest) earliest = expiry;
    }
    this.#earliestExpiry = earliest;
  }
}
