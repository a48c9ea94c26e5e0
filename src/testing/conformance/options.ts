// Validation of runKeyStoreConformance's arguments, with defaults set in one place.

import { assertFunction, assertNumber, assertObject, mustBe } from '../../core/assert.js';
import { fail } from '../../core/errors.js';
import type { KeyAlgorithm } from '../../keystores/contract.js';
import { KNOWN_ALGORITHMS } from './checks/capabilities.js';
import type { KeyStoreConformanceOptions } from './types.js';

/** @internal The options after validation, defaults applied. */
export interface ResolvedOptions {
  readonly algorithms: readonly KeyAlgorithm[] | undefined;
  readonly aliasPrefix: string;
  readonly timeoutMs: number;
  readonly concurrency: number;
  readonly only: readonly string[] | undefined;
  readonly skip: readonly string[];
  readonly onResult: KeyStoreConformanceOptions['onResult'];
  readonly disposeStore: KeyStoreConformanceOptions['disposeStore'];
  readonly webcrypto: Crypto;
}

const PREFIX_PATTERN = /^[A-Za-z0-9._:-]{0,100}$/;

function stringList(value: unknown, what: string): readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    mustBe(what, 'an array of check ids or names');
  }
  return value;
}

function optionalFunction<T>(value: T | undefined, what: string): T | undefined {
  if (value !== undefined) assertFunction(value, what);
  return value;
}

function resolveCrypto(value: unknown): Crypto {
  const given = value !== undefined;
  const candidate = (given ? value : globalThis.crypto) as Crypto | undefined;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    typeof candidate.subtle !== 'object' ||
    typeof candidate.getRandomValues !== 'function'
  ) {
    if (given) mustBe('options.crypto', 'a WebCrypto (with subtle and getRandomValues)');
    fail(
      'CRYPTO_UNAVAILABLE',
      'the conformance kit verifies results with WebCrypto, which this runtime lacks; pass one as "options.crypto"',
    );
  }
  return candidate;
}

/** @internal @throws `INVALID_ARGUMENT`, `CRYPTO_UNAVAILABLE` */
export function resolveOptions(createStore: unknown, options: unknown): ResolvedOptions {
  if (typeof createStore !== 'function')
    mustBe('createStore', 'a function that returns a new KeyStore');
  const o = (options === undefined ? {} : assertObject(options)) as KeyStoreConformanceOptions;
  const { aliasPrefix = 'devicebind-conformance.' } = o;
  const timeoutMs = assertNumber(o.timeoutMs, 'options.timeoutMs', {
    min: 1,
    max: 2_147_483_647,
    fallback: 20_000,
    unit: 'milliseconds',
  });
  const concurrency = assertNumber(o.concurrency, 'options.concurrency', {
    min: 2,
    max: 64,
    fallback: 8,
    integer: true,
  });
  if (typeof aliasPrefix !== 'string' || !PREFIX_PATTERN.test(aliasPrefix))
    mustBe('options.aliasPrefix', 'at most 100 characters of A–Z, a–z, 0–9, ".", "_", ":" or "-"');
  let algorithms: readonly KeyAlgorithm[] | undefined;
  if (o.algorithms !== undefined) {
    const list: unknown = o.algorithms;
    if (!Array.isArray(list) || !list.every((a) => KNOWN_ALGORITHMS.includes(a as KeyAlgorithm))) {
      mustBe('options.algorithms', `a list of algorithms among ${KNOWN_ALGORITHMS.join(', ')}`);
    }
    algorithms = [...new Set(list as KeyAlgorithm[])];
  }
  return {
    algorithms,
    aliasPrefix,
    timeoutMs,
    concurrency,
    only: stringList(o.only, 'options.only'),
    skip: stringList(o.skip, 'options.skip') ?? [],
    onResult: optionalFunction(o.onResult, 'options.onResult'),
    disposeStore: optionalFunction(o.disposeStore, 'options.disposeStore'),
    webcrypto: resolveCrypto(o.crypto),
  };
}

/** @internal Fails when a name in `only` or `skip` matches no check, so a typo never silently skips. */
export function checkSelection(
  names: readonly string[],
  what: string,
  known: ReadonlySet<string>,
): void {
  const unknown = names.find((name) => !known.has(name));
  if (unknown !== undefined) {
    fail(
      'INVALID_ARGUMENT',
      `${what} names ${JSON.stringify(unknown)}, which is no check; see listConformanceChecks()`,
    );
  }
}
