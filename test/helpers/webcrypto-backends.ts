// The two CryptoBackends the published vectors run through: WebCrypto (the default) and the
// pure-JS backend (React Native), plus the Wycheproof file shape they read.

import { type CryptoBackend, webCryptoBackend } from '../../src/core/crypto-backend.js';
import { pureJsCrypto } from '../../src/crypto/pure-js.js';

export interface NamedBackend {
  readonly name: string;
  readonly backend: CryptoBackend;
}

/** `webCryptoBackend()` over Node's WebCrypto, and `pureJsCrypto`. */
export const BACKENDS: readonly NamedBackend[] = [
  { name: 'webCryptoBackend', backend: webCryptoBackend(globalThis.crypto) },
  { name: 'pureJsCrypto', backend: pureJsCrypto },
];

/** A Wycheproof test case: the common members plus the file's own inputs. */
export type WycheproofTest<T> = T & {
  tcId: number;
  comment: string;
  flags: string[];
  result: 'valid' | 'invalid' | 'acceptable';
};

/** A Wycheproof vector file with group parameters `G` and test inputs `T`. */
export interface WycheproofFile<G, T> {
  algorithm?: string;
  numberOfTests: number;
  testGroups: (G & { tests: WycheproofTest<T>[] })[];
}

/** The tests of the groups `keep` selects, each with its group's parameters alongside. */
export function selectTests<G, T>(
  file: WycheproofFile<G, T>,
  keep: (group: G) => boolean,
): (WycheproofTest<T> & { group: G })[] {
  return file.testGroups
    .filter(keep)
    .flatMap((group) => group.tests.map((test) => ({ ...test, group })));
}
