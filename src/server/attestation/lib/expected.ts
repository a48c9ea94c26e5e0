// What a verifier expects of evidence, shared by both platforms: the challenge it issued and
// the public key the evidence must be about.

import { assertBytes, mustBe } from '../../../core/assert.js';
import { equalBytes } from '../../../core/bytes.js';
import { type PublicJwk, parsePublicJwk, thumbprintInput } from '../../../core/jwk.js';
import { refuseAttestation } from './refusal.js';

/**
 * The challenge a verifier expects: the bytes it issued, or a function that decides (e.g. looks
 * the challenge up and deletes it, so each works once).
 *
 * @example
 * ```ts
 * const expectedChallenge: ExpectedChallenge = (challenge) => challenges.consume(challenge);
 * ```
 */
export type ExpectedChallenge =
  | Uint8Array
  | ArrayBuffer
  | ((challenge: Uint8Array) => boolean | Promise<boolean>);

/** @internal A checked {@link ExpectedChallenge}. */
export type ChallengeCheck = Uint8Array | ((challenge: Uint8Array) => boolean | Promise<boolean>);

/** @internal Checks the shape of an expected challenge. @throws `INVALID_ARGUMENT` */
export function readExpectedChallenge(value: unknown, name: string): ChallengeCheck {
  if (typeof value === 'function') return value as ChallengeCheck;
  if (value === undefined) mustBe(name, 'the challenge issued for this key (bytes or a function)');
  return assertBytes(value, name);
}

/** @internal Whether `challenge` is the expected one. */
export async function challengeMatches(
  expected: ChallengeCheck,
  challenge: Uint8Array,
): Promise<boolean> {
  if (typeof expected === 'function') return (await expected(challenge.slice())) === true;
  return equalBytes(expected, challenge);
}

/** @internal Checks an expected public key. @throws `INVALID_ARGUMENT`, `UNSUPPORTED_ALGORITHM` */
export function readExpectedKey(value: unknown, name: string): PublicJwk | undefined {
  return value === undefined ? undefined : parsePublicJwk(value, `"${name}"`);
}

/**
 * @internal Refuses with `key_mismatch` unless `actual` is the same key as `expected`.
 * @throws `ATTESTATION_FAILED`
 */
export function checkSameKey(
  expected: PublicJwk | undefined,
  actual: PublicJwk | undefined,
  claim: string,
): void {
  if (expected === undefined) return;
  if (actual === undefined || thumbprintInput(actual) !== thumbprintInput(expected)) {
    refuseAttestation('key_mismatch', `the attested key is not the expected key`, {
      claim,
      expected: expected.kty,
      actual: actual?.kty ?? 'an unsupported key type',
    });
  }
}
