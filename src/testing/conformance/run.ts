// The runner: makes a fresh store for every check, runs it under a time limit, cleans up the
// aliases it made, and collects the results into a report. Framework-free: it imports no
// test runner and works in Node and in browsers.

import { DeviceBindingError } from '../../core/errors.js';
import type { KeyAlgorithm, KeyStore, KeyStoreCapabilities } from '../../keystores/contract.js';
import { KNOWN_ALGORITHMS } from './checks/capabilities.js';
import { type CheckResources, createCheckContext } from './context.js';
import { CheckSkipped, ConformanceFailure, describeThrown } from './expectations.js';
import { randomBytes } from './independent-crypto.js';
import { checkSelection, type ResolvedOptions, resolveOptions } from './options.js';
import { type PlannedCheck, planChecks } from './plan.js';
import type {
  ConformanceCheckResult,
  CreateKeyStore,
  KeyStoreConformanceOptions,
  KeyStoreConformanceReport,
} from './types.js';

const METHODS = [
  'capabilities',
  'generateKey',
  'getKey',
  'sign',
  'deriveSharedSecret',
  'decrypt',
  'deleteKey',
  'listAliases',
] as const;

class CheckTimeout extends Error {}

function now(): number {
  return globalThis.performance?.now() ?? Date.now();
}

/** Runs `work`, rejecting with CheckTimeout when it has not settled after `ms`. */
function withTimeout<T>(work: () => Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new CheckTimeout()), ms);
    work().then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

async function makeStore(createStore: CreateKeyStore): Promise<KeyStore> {
  let store: unknown;
  try {
    store = await createStore();
  } catch (err) {
    throw new ConformanceFailure(`createStore() failed: ${describeThrown(err)}`, err);
  }
  if (typeof store !== 'object' || store === null) {
    throw new ConformanceFailure('createStore() did not return a KeyStore object');
  }
  const missing = METHODS.filter(
    (m) => typeof (store as Record<string, unknown>)[m] !== 'function',
  );
  if (missing.length > 0) {
    throw new ConformanceFailure(`the store has no ${missing.join(', ')} method(s)`);
  }
  return store as KeyStore;
}

/** Deletes what a check made and disposes its stores; bounded in time, errors ignored. */
async function cleanUp(resources: CheckResources, options: ResolvedOptions): Promise<void> {
  const [primary] = resources.stores;
  const work = async () => {
    if (primary !== undefined) {
      for (const alias of resources.aliases) {
        try {
          await primary.deleteKey(alias);
        } catch {
          // Clean-up is best effort: the checks themselves judge deleteKey.
        }
      }
    }
    for (const store of resources.stores) {
      try {
        await options.disposeStore?.(store);
      } catch {
        // A failing dispose callback must not turn into a verdict on the store.
      }
    }
  };
  try {
    await withTimeout(work, Math.min(options.timeoutMs, 10_000));
  } catch {
    // A store that hangs on deleteKey was already judged by the check that ran.
  }
}

/** What the first store declares, or undefined when it cannot tell; also its name. */
async function probe(
  createStore: CreateKeyStore,
  options: ResolvedOptions,
): Promise<{ name: string; declared: KeyStoreCapabilities | undefined }> {
  const resources: CheckResources = { stores: [], aliases: [] };
  let name = '(unknown)';
  let declared: KeyStoreCapabilities | undefined;
  try {
    await withTimeout(async () => {
      const store = await makeStore(createStore);
      resources.stores.push(store);
      if (typeof store.name === 'string' && store.name.length > 0) name = store.name;
      const caps = await store.capabilities();
      if (
        typeof caps === 'object' &&
        caps !== null &&
        Array.isArray(caps.signing) &&
        Array.isArray(caps.encryption)
      ) {
        declared = caps;
      }
    }, options.timeoutMs);
  } catch {
    // capabilities-well-formed reports the failure with its reason.
  }
  await cleanUp(resources, options);
  return { name, declared };
}

async function runOne(
  planned: PlannedCheck,
  index: number,
  setup: {
    createStore: CreateKeyStore;
    options: ResolvedOptions;
    declared: KeyStoreCapabilities | undefined;
    exercised: readonly KeyAlgorithm[];
    runId: string;
  },
): Promise<ConformanceCheckResult> {
  const { options } = setup;
  const base = {
    name: planned.name,
    check: planned.check,
    description: planned.description,
    ...(planned.algorithm === undefined ? {} : { algorithm: planned.algorithm }),
  };
  const started = now();
  const resources: CheckResources = { stores: [], aliases: [] };
  try {
    await withTimeout(async () => {
      const store = await makeStore(setup.createStore);
      resources.stores.push(store);
      const ctx = createCheckContext({
        store,
        declared: setup.declared,
        algorithms: setup.exercised,
        webcrypto: options.webcrypto,
        concurrency: options.concurrency,
        aliasBase: `${options.aliasPrefix}${setup.runId}.${index}`,
        createStore: () => makeStore(setup.createStore),
        resources,
      });
      await planned.run?.(ctx);
    }, options.timeoutMs);
    return { ...base, ok: true, durationMs: now() - started };
  } catch (err) {
    const durationMs = now() - started;
    if (err instanceof CheckSkipped)
      return { ...base, ok: true, skipped: true, reason: err.message, durationMs };
    if (err instanceof CheckTimeout) {
      return {
        ...base,
        ok: false,
        error: `did not finish within ${options.timeoutMs} ms: a store call never settled (every call must resolve or reject)`,
        durationMs,
      };
    }
    if (err instanceof ConformanceFailure) {
      return {
        ...base,
        ok: false,
        error: err.message,
        ...(err.cause === undefined ? {} : { cause: err.cause }),
        durationMs,
      };
    }
    return {
      ...base,
      ok: false,
      error: `the check stopped on an unexpected ${describeThrown(err)} (the store returned something the contract does not allow)`,
      cause: err,
      durationMs,
    };
  } finally {
    await cleanUp(resources, options);
  }
}

function excluded(planned: PlannedCheck, options: ResolvedOptions): string | undefined {
  const matches = (list: readonly string[]) =>
    list.includes(planned.check) || list.includes(planned.name);
  if (options.only !== undefined && !matches(options.only)) return 'not selected by options.only';
  if (matches(options.skip)) return 'skipped by options.skip';
  return undefined;
}

/**
 * Runs the KeyStore conformance checks against a store and reports each one. Use it to prove
 * an adapter keeps the `KeyStore` contract: 64-byte JOSE signatures over exactly the given
 * bytes, public JWKs without private parts, ECDH secrets that match the peer's, RSA-OAEP
 * round trips, `KEY_NOT_FOUND` for unknown and deleted aliases, one key under concurrent
 * generation, isolated aliases, honest capabilities, and a `DeviceBindingError` for every failure.
 *
 * Framework-free: it never throws on a failing check, it resolves to a report that any test
 * runner can assert on. Each check gets a fresh store from `createStore` and fresh aliases
 * (deleted again afterwards); a check that hangs fails after `timeoutMs` and the run goes on.
 * Results are verified independently with WebCrypto (`options.crypto`, default `globalThis.crypto`).
 *
 * @param createStore Makes a new instance of the store under test; called once per check.
 * @param options Which algorithms to exercise, alias prefix, time limit, check selection, callbacks.
 * @returns `{ store, passed, failed, skipped, results }`; `failed === 0` means the store conforms.
 * @throws `INVALID_ARGUMENT` for a bad `createStore` or options (including a check name in
 *   `only`/`skip` that matches no check, and an `onResult` callback that throws);
 *   `CRYPTO_UNAVAILABLE` when there is no WebCrypto to verify with.
 * @example
 * Vitest, one test per check (top-level await in an ESM test file):
 * ```ts
 * import { describe, expect, it } from 'vitest';
 * import { runKeyStoreConformance } from 'devicebind/testing';
 *
 * const report = await runKeyStoreConformance(() => new MyKeyStore());
 * describe(`KeyStore conformance: ${report.store}`, () => {
 *   it('runs at least 15 checks', () => expect(report.passed + report.failed).toBeGreaterThanOrEqual(15));
 *   it.each(report.results.map((r) => [r.name, r] as const))('%s', (_name, result) => {
 *     expect(result.error).toBeUndefined();
 *   });
 * });
 * ```
 * @example
 * Jest (or vitest), one test that prints the failing checks:
 * ```ts
 * import { formatConformanceReport, runKeyStoreConformance } from 'devicebind/testing';
 *
 * test('MyKeyStore keeps the KeyStore contract', async () => {
 *   const report = await runKeyStoreConformance(() => new MyKeyStore(), { timeoutMs: 10_000 });
 *   if (report.failed > 0) throw new Error(formatConformanceReport(report));
 * }, 120_000);
 * ```
 */
export async function runKeyStoreConformance(
  createStore: CreateKeyStore,
  options?: KeyStoreConformanceOptions,
): Promise<KeyStoreConformanceReport> {
  const resolved = resolveOptions(createStore, options);
  const { name, declared } = await probe(createStore, resolved);
  const declaredAlgorithms =
    declared === undefined ? [] : ([...declared.signing, ...declared.encryption] as KeyAlgorithm[]);
  const exercised =
    resolved.algorithms ?? declaredAlgorithms.filter((a) => KNOWN_ALGORITHMS.includes(a));
  const plan = planChecks(exercised);
  const known = new Set(plan.flatMap((p) => [p.check, p.name]));
  if (resolved.only !== undefined) checkSelection(resolved.only, '"options.only"', known);
  checkSelection(resolved.skip, '"options.skip"', known);
  const runId = Array.from(randomBytes(resolved.webcrypto, 4), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');

  const results: ConformanceCheckResult[] = [];
  for (const [index, planned] of plan.entries()) {
    const skipReason = planned.skipReason ?? excluded(planned, resolved);
    const result: ConformanceCheckResult =
      skipReason !== undefined
        ? {
            name: planned.name,
            check: planned.check,
            description: planned.description,
            ...(planned.algorithm === undefined ? {} : { algorithm: planned.algorithm }),
            ok: true,
            skipped: true,
            reason: skipReason,
            durationMs: 0,
          }
        : await runOne(planned, index, {
            createStore,
            options: resolved,
            declared,
            exercised,
            runId,
          });
    results.push(result);
    if (resolved.onResult !== undefined) {
      try {
        await resolved.onResult(result);
      } catch (err) {
        throw new DeviceBindingError(
          'INVALID_ARGUMENT',
          '"options.onResult" threw; the run was stopped',
          {
            cause: err,
          },
        );
      }
    }
  }
  const skipped = results.filter((r) => r.skipped === true).length;
  const failed = results.filter((r) => !r.ok).length;
  return { store: name, passed: results.length - skipped - failed, failed, skipped, results };
}
