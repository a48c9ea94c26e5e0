// The shape of one conformance check: an id, the rule it enforces, which keys it runs for,
// and the code that judges the store.

import type { EncryptionAlgorithm, SigningAlgorithm } from '../../../core/algorithms.js';
import type { KeyAlgorithm } from '../../../keystores/contract.js';
import type { CheckContext } from '../context.js';

interface CheckBase {
  /** Stable kebab-case id, what `only` and `skip` match. */
  readonly id: string;
  /** The rule of the contract, one sentence. */
  readonly description: string;
}

/** @internal Runs once per store. */
export interface StoreCheck extends CheckBase {
  readonly scope: 'store';
  run(ctx: CheckContext): Promise<void>;
}

/** @internal Runs once for each exercised algorithm of its scope. */
export type AlgorithmCheck =
  | (CheckBase & {
      readonly scope: 'every-algorithm';
      run(ctx: CheckContext, algorithm: KeyAlgorithm): Promise<void>;
    })
  | (CheckBase & {
      readonly scope: 'signing';
      run(ctx: CheckContext, algorithm: SigningAlgorithm): Promise<void>;
    })
  | (CheckBase & {
      readonly scope: 'encryption';
      run(ctx: CheckContext, algorithm: EncryptionAlgorithm): Promise<void>;
    })
  | (CheckBase & {
      readonly scope: 'ecdh';
      run(ctx: CheckContext, algorithm: 'ECDH-ES'): Promise<void>;
    })
  | (CheckBase & {
      readonly scope: 'rsa';
      run(ctx: CheckContext, algorithm: 'RSA-OAEP-256' | 'RSA-OAEP'): Promise<void>;
    });

/** @internal Any conformance check. */
export type ConformanceCheck = StoreCheck | AlgorithmCheck;
