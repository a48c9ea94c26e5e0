// What a check gets to work with: a fresh store, the declared capabilities, the algorithms
// to exercise, fresh aliases (remembered for clean-up), and the kit's own WebCrypto.

import type { KeyAlgorithm, KeyStore, KeyStoreCapabilities } from '../../keystores/contract.js';
import { CheckSkipped, ConformanceFailure } from './expectations.js';
import { randomBytes } from './independent-crypto.js';

/** @internal */
export interface CheckContext {
  /** A store made for this check alone. */
  readonly store: KeyStore;
  /** What the first store declared, or `undefined` when its `capabilities()` failed. */
  readonly declared: KeyStoreCapabilities | undefined;
  /** The algorithms the per-algorithm checks exercise. */
  readonly algorithms: readonly KeyAlgorithm[];
  readonly webcrypto: Crypto;
  readonly subtle: SubtleCrypto;
  /** How many concurrent calls concurrency checks make. */
  readonly concurrency: number;
  /** A new alias no store has seen; deleted again after the check. */
  alias(label: string): string;
  /** Another instance of the store (for checks across instances); disposed after the check. */
  newStore(): Promise<KeyStore>;
  random(length: number): Uint8Array;
  /** What the store declared; fails the check when `capabilities()` failed. */
  requireDeclared(): KeyStoreCapabilities;
  /** The first exercised algorithm, for checks that need some key; skips the check when there is none. */
  anyAlgorithm(): KeyAlgorithm;
  /** Ends the check as not applicable. */
  skip(reason: string): never;
}

/** @internal What the runner keeps to clean up after a check. */
export interface CheckResources {
  readonly stores: KeyStore[];
  readonly aliases: string[];
}

/** @internal Builds the context of one check. */
export function createCheckContext(setup: {
  readonly store: KeyStore;
  readonly declared: KeyStoreCapabilities | undefined;
  readonly algorithms: readonly KeyAlgorithm[];
  readonly webcrypto: Crypto;
  readonly concurrency: number;
  readonly aliasBase: string;
  readonly createStore: () => Promise<KeyStore>;
  readonly resources: CheckResources;
}): CheckContext {
  let counter = 0;
  const { resources } = setup;
  return {
    store: setup.store,
    declared: setup.declared,
    algorithms: setup.algorithms,
    webcrypto: setup.webcrypto,
    subtle: setup.webcrypto.subtle,
    concurrency: setup.concurrency,
    alias(label) {
      counter += 1;
      const alias = `${setup.aliasBase}.${counter}.${label}`;
      resources.aliases.push(alias);
      return alias;
    },
    async newStore() {
      const store = await setup.createStore();
      resources.stores.push(store);
      return store;
    },
    random(length) {
      return randomBytes(setup.webcrypto, length);
    },
    requireDeclared() {
      if (setup.declared === undefined) {
        throw new ConformanceFailure(
          'capabilities() failed, so what the store declares is unknown',
        );
      }
      return setup.declared;
    },
    anyAlgorithm() {
      const [first] = setup.algorithms;
      if (first === undefined)
        throw new CheckSkipped('no algorithm to exercise: the store declares none');
      return first;
    },
    skip(reason) {
      throw new CheckSkipped(reason);
    },
  };
}
