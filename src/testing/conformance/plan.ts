// Turns the check list into the runs for one store: per-algorithm checks once per exercised
// algorithm of their kind, checks with nothing to exercise as skipped, and the public list.

import type { KeyAlgorithm } from '../../keystores/contract.js';
import type { ConformanceCheck } from './checks/check.js';
import { ALL_CHECKS } from './checks/index.js';
import type { CheckContext } from './context.js';
import { isRsaAlgorithm } from './independent-crypto.js';
import { isSigningAlgorithm, keyOperationOf } from './key-operations.js';

/**
 * Which keys a check runs for: once per store (`store`), or once per exercised algorithm of a
 * kind (`every-algorithm`, `signing`, `encryption`, `ecdh`, `rsa`).
 *
 * @example
 * ```ts
 * const perSigningKey = listConformanceChecks().filter((c) => c.scope === 'signing');
 * ```
 */
export type ConformanceCheckScope =
  | 'store'
  | 'every-algorithm'
  | 'signing'
  | 'encryption'
  | 'ecdh'
  | 'rsa';

/**
 * One entry of {@link listConformanceChecks}.
 *
 * @example
 * ```ts
 * const [first]: ConformanceCheckInfo[] = listConformanceChecks(); // { id: 'capabilities-well-formed', … }
 * ```
 */
export interface ConformanceCheckInfo {
  /** Stable id, what `only` and `skip` match. */
  readonly id: string;
  readonly scope: ConformanceCheckScope;
  /** The rule of the contract the check enforces. */
  readonly description: string;
}

/** @internal One run of a check, ready to go or skipped before it starts. */
export interface PlannedCheck {
  readonly name: string;
  readonly check: string;
  readonly algorithm?: KeyAlgorithm;
  readonly description: string;
  readonly skipReason?: string;
  readonly run?: (ctx: CheckContext) => Promise<void>;
}

const SCOPE_LABEL: Readonly<Record<Exclude<ConformanceCheckScope, 'store'>, string>> = {
  'every-algorithm': 'key',
  signing: 'signing',
  encryption: 'encryption',
  ecdh: 'ECDH-ES',
  rsa: 'RSA-OAEP',
};

function algorithmsFor(
  check: ConformanceCheck,
  exercised: readonly KeyAlgorithm[],
): KeyAlgorithm[] {
  switch (check.scope) {
    case 'store':
      return [];
    case 'every-algorithm':
      return [...exercised];
    case 'signing':
      return exercised.filter(isSigningAlgorithm);
    case 'encryption':
      return exercised.filter((a) => !isSigningAlgorithm(a));
    case 'ecdh':
      return exercised.filter((a) => !isSigningAlgorithm(a) && keyOperationOf(a) === 'agree');
    case 'rsa':
      return exercised.filter((a) => !isSigningAlgorithm(a) && isRsaAlgorithm(a));
  }
}

/** @internal The runs of every check for a store exercised with `exercised`. */
export function planChecks(exercised: readonly KeyAlgorithm[]): PlannedCheck[] {
  const planned: PlannedCheck[] = [];
  for (const check of ALL_CHECKS) {
    const base = { check: check.id, description: check.description };
    if (check.scope === 'store') {
      planned.push({ ...base, name: check.id, run: (ctx) => check.run(ctx) });
      continue;
    }
    const algorithms = algorithmsFor(check, exercised);
    if (algorithms.length === 0) {
      planned.push({
        ...base,
        name: check.id,
        skipReason: `no ${SCOPE_LABEL[check.scope]} algorithm is exercised: the store declares none (or options.algorithms leaves them out)`,
      });
      continue;
    }
    for (const algorithm of algorithms) {
      // The scope filter above guarantees the algorithm kind each run function expects.
      const run = check.run as (ctx: CheckContext, algorithm: KeyAlgorithm) => Promise<void>;
      planned.push({
        ...base,
        name: `${check.id} (${algorithm})`,
        algorithm,
        run: (ctx) => run(ctx, algorithm),
      });
    }
  }
  return planned;
}

/**
 * Every check of the KeyStore conformance kit: its id, scope and the rule it enforces. Use the
 * ids with the `only` and `skip` options of {@link runKeyStoreConformance}.
 *
 * @throws nothing.
 * @example
 * ```ts
 * for (const { id, description } of listConformanceChecks()) console.log(`${id}: ${description}`);
 * ```
 */
export function listConformanceChecks(): ConformanceCheckInfo[] {
  return ALL_CHECKS.map(({ id, scope, description }) => ({ id, scope, description }));
}
