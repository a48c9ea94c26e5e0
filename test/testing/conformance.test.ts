// The conformance runner itself: report shape, options, isolation and clean-up, time limits,
// independent verification, and how it judges errors.

import { Crypto as PeculiarCrypto } from '@peculiar/webcrypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DeviceBindingError, isDeviceBindingError } from '../../src/core/errors.js';
import type { PublicJwk } from '../../src/core/jwk.js';
import type {
  KeyInfo,
  KeySpec,
  KeyStore,
  KeyStoreCapabilities,
} from '../../src/keystores/contract.js';
import { MemoryKeyStore } from '../../src/keystores/memory/index.js';
import {
  type ConformanceCheckResult,
  formatConformanceReport,
  type KeyStoreConformanceOptions,
  listConformanceChecks,
  runKeyStoreConformance,
} from '../../src/testing/index.js';
import { DelegatingStore } from './broken-stores/delegating-store.js';
import { AppendedByteSignStore, DerSignatureStore } from './broken-stores/signature-breakages.js';

afterEach(() => {
  vi.unstubAllGlobals();
});

async function rejection(promise: Promise<unknown>): Promise<DeviceBindingError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof DeviceBindingError))
    throw new Error(`expected a DeviceBindingError, got ${String(err)}`);
  return err;
}

function result(results: readonly ConformanceCheckResult[], name: string): ConformanceCheckResult {
  const found = results.find((r) => r.name === name);
  if (found === undefined) throw new Error(`no result named ${name}`);
  return found;
}

/** A store over a shared MemoryKeyStore: every instance sees the same keys. */
class SharedBackingStore extends DelegatingStore {
  readonly generated: string[];

  constructor(
    backing: MemoryKeyStore,
    generated: string[],
    readonly persistent = false,
  ) {
    super('shared-backing', backing);
    this.generated = generated;
  }

  override async capabilities(): Promise<KeyStoreCapabilities> {
    return { ...(await this.inner.capabilities()), persistent: this.persistent };
  }

  override generateKey(alias: string, spec: KeySpec): Promise<KeyInfo> {
    this.generated.push(alias);
    return this.inner.generateKey(alias, spec);
  }
}

describe('the check list', () => {
  it('has at least 20 checks, each with a unique kebab-case id and a description', () => {
    const checks = listConformanceChecks();
    expect(checks.length).toBeGreaterThanOrEqual(20);
    expect(new Set(checks.map((c) => c.id)).size).toBe(checks.length);
    for (const check of checks) {
      expect(check.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(check.description.length).toBeGreaterThan(20);
    }
  });

  it('names each result after its check, with the algorithm for per-algorithm checks', async () => {
    const report = await runKeyStoreConformance(() => new MemoryKeyStore(), {
      only: ['sign-jose-form', 'list-aliases', 'ecdh-matches-peer'],
    });
    expect(new Set(report.results.map((r) => r.name)).size).toBe(report.results.length);
    expect(result(report.results, 'sign-jose-form (ES256)')).toMatchObject({
      check: 'sign-jose-form',
      algorithm: 'ES256',
      ok: true,
    });
    expect(result(report.results, 'list-aliases').algorithm).toBeUndefined();
    for (const r of report.results) expect(r.durationMs).toBeGreaterThanOrEqual(0);
    expect(report.passed + report.failed + report.skipped).toBe(report.results.length);
  });
});

describe('options', () => {
  it('algorithms narrows the per-algorithm checks; declared-capabilities-work still tries every declared one', async () => {
    const report = await runKeyStoreConformance(() => new MemoryKeyStore(), {
      algorithms: ['ES256'],
    });
    expect(report.failed).toBe(0);
    const algorithms = new Set(
      report.results.map((r) => r.algorithm).filter((a) => a !== undefined),
    );
    expect([...algorithms]).toEqual(['ES256']);
    expect(result(report.results, 'ecdh-matches-peer')).toMatchObject({ skipped: true, ok: true });
    expect(result(report.results, 'declared-capabilities-work').skipped).toBeUndefined();
  });

  it('only runs the named checks and reports the rest as skipped', async () => {
    const report = await runKeyStoreConformance(() => new MemoryKeyStore(), {
      only: ['sign-jose-form'],
    });
    expect(report.passed).toBe(2);
    const ran = report.results.filter((r) => r.skipped !== true).map((r) => r.name);
    expect(ran).toEqual(['sign-jose-form (ES256)', 'sign-jose-form (EdDSA)']);
    expect(result(report.results, 'list-aliases').reason).toBe('not selected by options.only');
  });

  it('skip skips by check id or by full result name', async () => {
    const report = await runKeyStoreConformance(() => new MemoryKeyStore(), {
      only: ['sign-jose-form', 'list-aliases', 'aliases-isolated'],
      skip: ['sign-jose-form (ES256)', 'list-aliases'],
    });
    const ran = report.results.filter((r) => r.skipped !== true).map((r) => r.name);
    expect(ran).toEqual(['aliases-isolated', 'sign-jose-form (EdDSA)']);
    expect(result(report.results, 'list-aliases').reason).toBe('skipped by options.skip');
  });

  it('refuses a name in only that matches no check, so a typo never skips silently', async () => {
    const err = await rejection(
      runKeyStoreConformance(() => new MemoryKeyStore(), { only: ['sign-jose'] }),
    );
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toContain('"sign-jose"');
  });

  it('refuses a name in skip that matches no check', async () => {
    const err = await rejection(
      runKeyStoreConformance(() => new MemoryKeyStore(), { skip: ['no-such-check'] }),
    );
    expect(err.code).toBe('INVALID_ARGUMENT');
  });

  it('onResult receives every result, in order, before the run resolves', async () => {
    const seen: string[] = [];
    const report = await runKeyStoreConformance(() => new MemoryKeyStore(), {
      only: ['list-aliases', 'sign-empty-input'],
      onResult: (r) => {
        seen.push(r.name);
      },
    });
    expect(seen).toEqual(report.results.map((r) => r.name));
  });

  it('an onResult that throws stops the run with INVALID_ARGUMENT', async () => {
    const boom = new Error('callback bug');
    const err = await rejection(
      runKeyStoreConformance(() => new MemoryKeyStore(), {
        only: ['list-aliases'],
        onResult: () => {
          throw boom;
        },
      }),
    );
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.cause).toBe(boom);
  });

  const badOptions: [string, unknown][] = [
    ['options that are not an object', 'fast'],
    ['a zero timeout', { timeoutMs: 0 }],
    ['a negative timeout', { timeoutMs: -5 }],
    ['a NaN timeout', { timeoutMs: Number.NaN }],
    ['a string timeout', { timeoutMs: '100' }],
    ['concurrency 1', { concurrency: 1 }],
    ['concurrency 65', { concurrency: 65 }],
    ['fractional concurrency', { concurrency: 2.5 }],
    ['an alias prefix with a space', { aliasPrefix: 'my prefix' }],
    ['an alias prefix of 101 characters', { aliasPrefix: 'a'.repeat(101) }],
    ['an unknown algorithm', { algorithms: ['RS256'] }],
    ['algorithms as a string', { algorithms: 'ES256' }],
    ['only as a string', { only: 'sign-jose-form' }],
    ['a non-function onResult', { onResult: 'log' }],
    ['a non-function disposeStore', { disposeStore: 1 }],
    ['a crypto without subtle', { crypto: {} }],
  ];
  it.each(badOptions)('refuses %s with INVALID_ARGUMENT', async (_label, options) => {
    const err = await rejection(
      runKeyStoreConformance(() => new MemoryKeyStore(), options as KeyStoreConformanceOptions),
    );
    expect(err.code).toBe('INVALID_ARGUMENT');
  });

  it.each([
    ['undefined', undefined],
    ['a store instead of a function', new MemoryKeyStore()],
  ])('refuses createStore = %s with INVALID_ARGUMENT', async (_label, createStore) => {
    const err = await rejection(runKeyStoreConformance(createStore as unknown as () => KeyStore));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toContain('"createStore"');
  });

  it('refuses with CRYPTO_UNAVAILABLE when the runtime has no WebCrypto and none is given', async () => {
    vi.stubGlobal('crypto', undefined);
    const err = await rejection(runKeyStoreConformance(() => new MemoryKeyStore()));
    expect(err.code).toBe('CRYPTO_UNAVAILABLE');
  });
});

describe('isolation and clean-up', () => {
  it('gives every check a fresh store and disposes each store it made once', async () => {
    const made: KeyStore[] = [];
    const disposed: KeyStore[] = [];
    const report = await runKeyStoreConformance(
      () => {
        const store = new MemoryKeyStore();
        made.push(store);
        return store;
      },
      {
        only: ['capabilities-stable', 'list-aliases', 'sign-jose-form'],
        disposeStore: (store) => {
          disposed.push(store);
        },
      },
    );
    // One store to probe capabilities, one per check that ran, one more for capabilities-stable.
    expect(made.length).toBe(1 + report.passed + 1);
    expect(new Set(made).size).toBe(made.length);
    expect(disposed.sort()).toEqual(made.sort());
  });

  it('prefixes every alias with aliasPrefix and a run id, and deletes them all afterwards', async () => {
    const backing = new MemoryKeyStore();
    const first: string[] = [];
    const second: string[] = [];
    const options = {
      aliasPrefix: 'acme.kit-',
      only: ['list-aliases', 'generate-key-info', 'aliases-isolated'],
    };
    const report = await runKeyStoreConformance(
      () => new SharedBackingStore(backing, first),
      options,
    );
    await runKeyStoreConformance(() => new SharedBackingStore(backing, second), options);
    expect(report.failed).toBe(0);
    expect(first.length).toBeGreaterThan(3);
    for (const alias of [...first, ...second]) expect(alias).toMatch(/^acme\.kit-[0-9a-f]{8}\./);
    const runId = (alias: string) => alias.slice('acme.kit-'.length, 'acme.kit-'.length + 8);
    expect(new Set(first.map(runId)).size).toBe(1);
    expect(runId(first[0]!)).not.toBe(runId(second[0]!));
    expect(await backing.listAliases()).toEqual([]);
  });

  it('runs persistent-keys-survive-new-instance for a store that declares persistence', async () => {
    const backing = new MemoryKeyStore();
    const report = await runKeyStoreConformance(() => new SharedBackingStore(backing, [], true), {
      only: ['persistent-keys-survive-new-instance'],
    });
    expect(report.passed).toBe(1);
  });

  it('fails a store that declares persistence but loses keys with the instance', async () => {
    const report = await runKeyStoreConformance(
      () => new SharedBackingStore(new MemoryKeyStore(), [], true),
      {
        only: ['persistent-keys-survive-new-instance'],
      },
    );
    expect(report.failed).toBe(1);
    expect(result(report.results, 'persistent-keys-survive-new-instance').error).toMatch(
      /a new store instance does not find the key/,
    );
  });
});

describe('stores that cannot even start', () => {
  it('a createStore that throws fails every check that runs, and the run still resolves', async () => {
    const report = await runKeyStoreConformance(() => {
      throw new Error('no bridge');
    });
    expect(report.store).toBe('(unknown)');
    expect(report.passed).toBe(0);
    expect(report.failed).toBeGreaterThan(10);
    for (const r of report.results.filter((x) => x.skipped !== true)) {
      expect(r.error).toMatch(/^createStore\(\) failed: Error: no bridge/);
    }
  });

  it('a createStore that returns something other than a KeyStore fails with the missing methods named', async () => {
    const report = await runKeyStoreConformance(() => ({ name: 'half' }) as unknown as KeyStore, {
      only: ['capabilities-well-formed'],
    });
    expect(result(report.results, 'capabilities-well-formed').error).toMatch(
      /the store has no capabilities, generateKey, getKey, sign, deriveSharedSecret, decrypt, deleteKey, listAliases method/,
    );
  });

  it('a store whose capabilities() rejects is reported, and its per-algorithm checks are skipped', async () => {
    class NoCapabilities extends DelegatingStore {
      override capabilities(): Promise<KeyStoreCapabilities> {
        return Promise.reject(new DeviceBindingError('KEYSTORE_ERROR', 'bridge down'));
      }
    }
    const report = await runKeyStoreConformance(() => new NoCapabilities('no-caps'));
    expect(result(report.results, 'capabilities-well-formed').error).toMatch(
      /capabilities\(\) failed: DeviceBindingError KEYSTORE_ERROR: bridge down/,
    );
    expect(result(report.results, 'declared-capabilities-work').error).toMatch(
      /what the store declares is unknown/,
    );
    expect(result(report.results, 'sign-jose-form').skipped).toBe(true);
    expect(report.store).toBe('no-caps');
  });
});

describe('independent verification', () => {
  function countingCrypto(
    base: Crypto,
    refuseEd25519 = false,
  ): { crypto: Crypto; calls: Map<string, number> } {
    const calls = new Map<string, number>();
    const subtle = new Proxy(base.subtle, {
      get(target, property: string) {
        const value = Reflect.get(target, property, target) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          calls.set(property, (calls.get(property) ?? 0) + 1);
          const algorithm = args[2] as { name?: string } | undefined;
          if (refuseEd25519 && property === 'importKey' && algorithm?.name === 'Ed25519') {
            return Promise.reject(
              new DOMException('Ed25519 is not supported', 'NotSupportedError'),
            );
          }
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    const crypto = {
      subtle,
      getRandomValues: base.getRandomValues.bind(base),
    } as unknown as Crypto;
    return { crypto, calls };
  }

  it('verifies with the WebCrypto given as options.crypto (@peculiar/webcrypto)', async () => {
    const { crypto, calls } = countingCrypto(new PeculiarCrypto() as unknown as Crypto);
    const report = await runKeyStoreConformance(() => new MemoryKeyStore(), { crypto });
    expect(report.failed, formatConformanceReport(report)).toBe(0);
    expect(calls.get('verify')).toBeGreaterThan(20);
    expect(calls.get('deriveBits')).toBeGreaterThan(2);
  });

  it('verifies Ed25519 with noble where the WebCrypto lacks Ed25519, and still catches bad signatures', async () => {
    const { crypto } = countingCrypto(globalThis.crypto, true);
    const options = { crypto, only: ['sign-jose-form', 'sign-covers-exact-bytes'] };
    const good = await runKeyStoreConformance(() => new MemoryKeyStore(), options);
    expect(good.failed).toBe(0);
    expect(result(good.results, 'sign-covers-exact-bytes (EdDSA)').ok).toBe(true);
    const bad = await runKeyStoreConformance(() => new AppendedByteSignStore(), options);
    expect(result(bad.results, 'sign-jose-form (EdDSA)').error).toMatch(/does not verify/);
  });
});

describe('judging errors', () => {
  /** Rethrows errors through `make`, e.g. as a second copy of the DeviceBindingError class. */
  class RethrowingStore extends DelegatingStore {
    constructor(readonly make: (err: DeviceBindingError) => unknown) {
      super('rethrowing');
    }

    async #wrap<T>(work: () => Promise<T>): Promise<T> {
      try {
        return await work();
      } catch (err) {
        throw isDeviceBindingError(err) ? this.make(err) : err;
      }
    }

    override sign(alias: string, data: Uint8Array): Promise<Uint8Array> {
      return this.#wrap(() => this.inner.sign(alias, data));
    }

    override deriveSharedSecret(alias: string, peer: PublicJwk): Promise<Uint8Array> {
      return this.#wrap(() => this.inner.deriveSharedSecret(alias, peer));
    }
  }

  it('accepts a DeviceBindingError from another copy of the class (another bundle of the SDK)', async () => {
    class DeviceBindingErrorCopy extends Error {
      override readonly name = 'DeviceBindingError';
      constructor(
        readonly code: string,
        message: string,
      ) {
        super(message);
      }
    }
    const report = await runKeyStoreConformance(
      () => new RethrowingStore((err) => new DeviceBindingErrorCopy(err.code, err.message)),
      { only: ['unknown-alias-sign-not-found', 'signing-key-refuses-other-operations'] },
    );
    expect(report.failed, formatConformanceReport(report)).toBe(0);
    expect(report.passed).toBe(3);
  });

  it('does not accept an error that only looks like one but carries an unknown code', async () => {
    const report = await runKeyStoreConformance(
      () =>
        new RethrowingStore((err) =>
          Object.assign(new Error(err.message), { name: 'DeviceBindingError', code: 'NOT_FOUND' }),
        ),
      { only: ['unknown-alias-sign-not-found'] },
    );
    expect(result(report.results, 'unknown-alias-sign-not-found').error).toMatch(
      /every failure must be a DeviceBindingError/,
    );
  });

  it('keeps what the store threw as the cause of a failure', async () => {
    const thrown = new Error('plain');
    const report = await runKeyStoreConformance(() => new RethrowingStore(() => thrown), {
      only: ['unknown-alias-sign-not-found'],
    });
    expect(result(report.results, 'unknown-alias-sign-not-found').cause).toBe(thrown);
  });
});

describe('formatConformanceReport', () => {
  it('summarises and lists each failed check with its reason', async () => {
    const report = await runKeyStoreConformance(() => new DerSignatureStore(), {
      only: ['sign-jose-form', 'list-aliases'],
    });
    const text = formatConformanceReport(report);
    expect(text.split('\n')[0]).toBe(
      `KeyStore conformance of "der-signatures": 3 checks ran, 1 of them failed; ${report.skipped} skipped`,
    );
    expect(text).toMatch(
      /\n {2}FAIL sign-jose-form \(ES256\): sign\(\) returned 7\d bytes and looks like an ASN\.1 DER/,
    );
    expect(text).not.toContain('list-aliases');
  });

  it('lists passed and skipped checks too when verbose', async () => {
    const report = await runKeyStoreConformance(() => new MemoryKeyStore(), {
      only: ['list-aliases'],
    });
    const text = formatConformanceReport(report, { verbose: true });
    expect(text).toContain('\n  ok   list-aliases');
    expect(text).toContain('\n  skip sign-jose-form (ES256): not selected by options.only');
  });

  it.each([
    ['null', null],
    ['an object without results', { store: 'x' }],
  ])('refuses %s with INVALID_ARGUMENT', (_label, report) => {
    expect(() => formatConformanceReport(report as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});
