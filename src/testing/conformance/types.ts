// Public types of the KeyStore conformance kit: its options, one result per check, and the
// report `runKeyStoreConformance` resolves to.

import type { KeyAlgorithm, KeyStore } from '../../keystores/contract.js';

/**
 * Makes the store under test: called once per check, so each check starts from a fresh
 * instance. For a persistent store, each instance must sit over the same storage (the same
 * device, simulator or database): that is what persistence means, and what the kit checks.
 *
 * @example
 * ```ts
 * const device = createBridgeSimulator({ platform: 'android' });
 * const createStore: CreateKeyStore = () => new AndroidKeyStore(device);
 * ```
 */
export type CreateKeyStore = () => KeyStore | Promise<KeyStore>;

/**
 * Options for {@link runKeyStoreConformance}. Every field is optional.
 *
 * @example
 * ```ts
 * const report = await runKeyStoreConformance(() => new MyKeyStore(), {
 *   algorithms: ['ES256', 'ECDH-ES'],
 *   timeoutMs: 5_000,
 *   skip: ['sign-large-input'],
 *   onResult: (r) => console.log(r.ok ? 'ok  ' : 'FAIL', r.name),
 * });
 * ```
 */
export interface KeyStoreConformanceOptions {
  /**
   * The algorithms the per-algorithm checks exercise. Default: everything the store declares
   * in `capabilities()`. `declared-capabilities-work` always tries every declared algorithm.
   */
  readonly algorithms?: readonly KeyAlgorithm[];
  /**
   * Start of every alias the kit creates (default `"devicebind-conformance."`), followed by a
   * random run id, so runs against a persistent store never meet keys of earlier runs.
   * Characters allowed: A–Z, a–z, 0–9, ".", "_", ":", "-"; at most 100.
   */
  readonly aliasPrefix?: string;
  /**
   * Milliseconds one check may take, including making its store (default 20000). A check that
   * does not settle in time fails with a timeout; the kit moves on to the next one.
   */
  readonly timeoutMs?: number;
  /** How many `generateKey` calls for one alias run at once in `concurrent-generate-one-key` (default 8, 2–64). */
  readonly concurrency?: number;
  /** Runs only these checks, by check id (e.g. `"sign-jose-form"`) or full result name (e.g. `"sign-jose-form (ES256)"`). */
  readonly only?: readonly string[];
  /** Skips these checks (ids or full names); they are reported as skipped. */
  readonly skip?: readonly string[];
  /** Called after each check with its result, in order. */
  readonly onResult?: (result: ConformanceCheckResult) => void | Promise<void>;
  /** Called once for every store instance the kit made, when it is done with it (close databases, bridges). */
  readonly disposeStore?: (store: KeyStore) => void | Promise<void>;
  /**
   * The WebCrypto the kit verifies the store's results with (default `globalThis.crypto`).
   * It is independent of the store: pass a different implementation to cross-check a WebCrypto-based store.
   */
  readonly crypto?: Crypto;
}

/**
 * The outcome of one check.
 *
 * @example
 * ```ts
 * for (const r of report.results) if (!r.ok) console.error(`${r.name}: ${r.error}`);
 * ```
 */
export interface ConformanceCheckResult {
  /** The check id, plus the algorithm in parentheses for per-algorithm checks: `"sign-jose-form (ES256)"`. */
  readonly name: string;
  /** The check id alone, stable across versions (what `only` and `skip` match). */
  readonly check: string;
  /** The algorithm this run of a per-algorithm check exercised. */
  readonly algorithm?: KeyAlgorithm;
  /** The rule of the contract the check enforces. */
  readonly description: string;
  /** `true` when the check passed or was skipped. */
  readonly ok: boolean;
  /** `true` when the check did not run; `reason` says why. */
  readonly skipped?: boolean;
  readonly reason?: string;
  /** Why the check failed: what the store did and what the contract expects. */
  readonly error?: string;
  /** What the store threw, when a failure came from an error it raised. */
  readonly cause?: unknown;
  /** How long the check took, in milliseconds. */
  readonly durationMs: number;
}

/**
 * What {@link runKeyStoreConformance} resolves to. The store conforms when `failed` is 0.
 *
 * @example
 * ```ts
 * const { passed, failed, skipped } = await runKeyStoreConformance(() => new MyKeyStore());
 * ```
 */
export interface KeyStoreConformanceReport {
  /** The store's `name`, as it reported it. */
  readonly store: string;
  /** Checks that ran and passed. */
  readonly passed: number;
  /** Checks that ran and failed. */
  readonly failed: number;
  /** Checks that did not run (not applicable to this store, or excluded by options). */
  readonly skipped: number;
  /** One entry per check, in the order they ran. */
  readonly results: readonly ConformanceCheckResult[];
}
