// Refusals of attestation evidence: always `ATTESTATION_FAILED`, with a machine-readable
// reason in `detail.reason` so an operator can count them without parsing messages.

import { refuse } from '../../../core/errors.js';

/**
 * Why attestation evidence was refused (`DeviceBindingError.detail.reason` of an
 * `ATTESTATION_FAILED` error). See `docs/attestation.md` for what each means.
 *
 * @example
 * ```ts
 * if (isDeviceBindingError(err, 'ATTESTATION_FAILED')) metrics.count(err.detail?.reason);
 * ```
 */
export type AttestationFailureReason =
  | 'missing'
  | 'malformed'
  | 'unsupported'
  | 'untrusted_root'
  | 'broken_chain'
  | 'invalid_signature'
  | 'chain_extended'
  | 'not_a_ca'
  | 'expired'
  | 'not_yet_valid'
  | 'revoked'
  | 'suspended'
  | 'unavailable'
  | 'key_mismatch'
  | 'challenge_mismatch'
  | 'software_key'
  | 'security_level'
  | 'not_generated'
  | 'wrong_purpose'
  | 'wrong_app'
  | 'boot_not_verified'
  | 'device_unlocked'
  | 'patch_level'
  | 'development_environment'
  | 'counter';

/** @internal What a refusal names besides its reason. */
export interface RefusalDetail {
  /** The part of the evidence that failed (`x5c[2]`, `attestationChallenge`, `authData.counter`). */
  readonly claim: string;
  readonly expected?: string;
  readonly actual?: string;
}

/** @internal Throws `ATTESTATION_FAILED` with `reason` and the detail. */
export function refuseAttestation(
  reason: AttestationFailureReason,
  message: string,
  detail: RefusalDetail,
  cause?: unknown,
): never {
  return refuse('ATTESTATION_FAILED', message, { ...detail, reason }, cause);
}
