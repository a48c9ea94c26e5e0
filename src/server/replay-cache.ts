// Replay protection for proof `jti`s: the ReplayCache contract (async, so Redis-backed caches
// fit) and a bounded in-memory implementation for single-instance servers and tests.

import {
  assertFunction,
  assertNumber,
  assertObject,
  assertString,
  mustBe,
} from '../core/assert.js';
import { fail } from '../core/errors.js';

/**
 * Remembers proof ids until they expire. `verifyRequest` calls it once per proof, after every
 * other check has passed, with an id scoped to the device key (`<device id>:<jti>`) and the
 * instant after which the proof would be refused as too old anyway.
 *
 * Implementations must make the check and the store one atomic step, shared by all server
 * instances that accept proofs for the same devices; otherwise two concurrent copies of
 * one proof can both pass. `createRedisReplayCache` is one for Redis; a Durable Object or a
 * database with a unique key serves as well (an eventually consistent store such as
 * Workers KV does not: two instances can both miss the id).
 *
 * @example
 * ```ts
 * // A table with a unique primary key: the insert is the atomic check.
 * const replayCache: ReplayCache = {
 *   async checkAndStore(id, expiresAt) {
 *     const { rowCount } = await db.query(
 *       'INSERT INTO dpop_jti (id, expires_at) VALUES ($1, $2) ON CONFLICT DO NOTHING',
 *       [id, new Date(expiresAt)],
 *     );
 *     return rowCount === 1;
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
 * const replayCache = new MemoryReplayCache({ maxEntries: 20_000, maxEntriesPerDevice: 500 });
 * ```
 */
export interface MemoryReplayCacheOptions {
  /** Most ids held at once (default 100 000, at least 1). */
  maxEntries?: number;
  /**
   * Most unexpired ids one device may hold (default a tenth of `maxEntries`): its share, so
   * one device sending proofs as fast as it can cannot fill the cache for every other one.
   * The device is the part of the id before the first `:` (`verifyRequest` writes
   * `<device id>:<jti>`); ids without a `:` count only against `maxEntries`.
   */
  maxEntriesPerDevice?: number;
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

/** The device an id belongs to: the part before the first `:`, if any. */
function deviceOf(id: string): string | undefined {
  const colon = id.indexOf(':');
  return colon < 0 ? undefined : id.slice(0, colon);
}

/**
 * A {@link ReplayCache} in process memory, bounded to `maxEntries`, and each device to
 * `maxEntriesPerDevice` of them. Expired ids are dropped oldest first as new ones arrive,
 * and all at once when a bound is reached.
 *
 * When a bound is reached and nothing has expired, it refuses new proofs (rejects with
 * `REPLAY_CHECK_FAILED`) instead of forgetting a live id: forgetting would let an attacker
 * who can fill the cache replay a captured proof, while refusing only delays clients until
 * entries expire. Only proofs with a valid signature from a bound device key reach the
 * cache, so filling it takes registered devices, and the per-device share means one device
 * alone only ever refuses itself: a device that sends more than `maxEntriesPerDevice` proofs
 * within their lifetime (`maxAgeSeconds`, default 300 s) gets `REPLAY_CHECK_FAILED` until
 * its oldest expire, which acts as a per-device rate limit. Rate-limit proofs per device
 * (`cnf.jkt`) in front of it as well, and size `maxEntries` above what all devices send
 * within `maxAgeSeconds`: 100 000 entries use roughly 15 MB.
 *
 * It serves one process only; servers with several instances need a shared cache
 * ({@link createRedisReplayCache}).
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
  /** Unexpired-or-unswept ids per device. */
  readonly #perDevice = new Map<string, number>();
  readonly #maxEntries: number;
  readonly #maxPerDevice: number;
  readonly #ttlMs: number;
  readonly #now: () => number;
  /** No entry expires before this instant, so a full sweep before it would free nothing. */
  #earliestExpiry = Number.POSITIVE_INFINITY;

  constructor(options: MemoryReplayCacheOptions = {}) {
    const { maxEntries, maxEntriesPerDevice, ttlSeconds, now = Date.now } = assertObject(options);
    const integer = { min: 1, max: Number.MAX_SAFE_INTEGER, integer: true };
    this.#maxEntries = assertNumber(maxEntries, 'options.maxEntries', {
      ...integer,
      fallback: 100_000,
    });
    this.#maxPerDevice = assertNumber(maxEntriesPerDevice, 'options.maxEntriesPerDevice', {
      ...integer,
      fallback: Math.ceil(this.#maxEntries / 10),
    });
    this.#ttlMs =
      assertNumber(ttlSeconds, 'options.ttlSeconds', {
        min: 1,
        max: 86_400,
        fallback: 300,
        unit: 'seconds',
      }) * 1000;
    this.#now = assertFunction<() => number>(now, 'options.now');
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
   * `REPLAY_CHECK_FAILED` when the cache, or the id's device share, is full of unexpired ids
   * (see the class description).
   * @example
   * ```ts
   * const fresh = await cache.checkAndStore(`${deviceId}:${jti}`, Date.now() + 300_000);
   * ```
   */
  async checkAndStore(id: string, expiresAt?: number): Promise<boolean> {
    // Everything below runs synchronously, so concurrent calls cannot interleave.
    assertString(id, 'id');
    const now = this.#now();
    const expiry = expiresAt ?? now + this.#ttlMs;
    if (typeof expiry !== 'number' || Number.isNaN(expiry))
      mustBe('expiresAt', 'milliseconds since the epoch');
    const held = this.#entries.get(id);
    if (held !== undefined) {
      if (held > now) return false;
      this.#forget(id);
    }
    if (expiry <= now) return true;
    this.#sweepHead(now);
    const device = deviceOf(id);
    if (this.#isFull(device)) this.#sweepAll(now);
    if (this.#isFull(device)) {
      fail(
        'REPLAY_CHECK_FAILED',
        this.#entries.size >= this.#maxEntries
          ? `the replay cache is full (${this.#maxEntries} unexpired ids), so this proof cannot be checked for replay and is refused; raise "maxEntries" or lower "maxAgeSeconds"`
          : `this device holds its whole share of the replay cache (${this.#maxPerDevice} unexpired ids), so its proof is refused until some expire; it sends proofs faster than "maxEntriesPerDevice" allows`,
      );
    }
    this.#entries.set(id, expiry);
    if (device !== undefined) this.#perDevice.set(device, (this.#perDevice.get(device) ?? 0) + 1);
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
    this.#perDevice.clear();
    this.#earliestExpiry = Number.POSITIVE_INFINITY;
  }

  #isFull(device: string | undefined): boolean {
    return (
      this.#entries.size >= this.#maxEntries ||
      (device !== undefined && (this.#perDevice.get(device) ?? 0) >= this.#maxPerDevice)
    );
  }

  #forget(id: string): void {
    this.#entries.delete(id);
    const device = deviceOf(id);
    if (device === undefined) return;
    const count = (this.#perDevice.get(device) ?? 1) - 1;
    if (count > 0) this.#perDevice.set(device, count);
    else this.#perDevice.delete(device);
  }

  #sweepHead(now: number): void {
    let budget = HEAD_SWEEP;
    for (const [id, expiry] of this.#entries) {
      if (expiry > now || budget-- === 0) break;
      this.#forget(id);
    }
  }

  #sweepAll(now: number): void {
    if (now < this.#earliestExpiry) return;
    let earliest = Number.POSITIVE_INFINITY;
    for (const [id, expiry] of this.#entries) {
      if (expiry <= now) this.#forget(id);
      else if (expiry < earliest) earliest = expiry;
    }
    this.#earliestExpiry = earliest;
  }
}
