// verifyAndroidKeyAttestation: is this key in an Android device's secure hardware, made for
// this app and this challenge, on a device in a trustworthy state?

import { assertObject, assertTime, mustBe } from '../../core/assert.js';
import type { PublicJwk } from '../../core/jwk.js';
import {
  type AndroidDeviceState,
  type AndroidKeyPurpose,
  type AndroidSecurityLevel,
  androidFacts,
} from './lib/android-facts.js';
import { checkAndroidFacts, checkRevocation, readAndroidRules } from './lib/android-policy.js';
import { nameAttribute, type ParsedCertificate } from './lib/certificate.js';
import { checkValidity, trustAnchors, verifyChain } from './lib/chain.js';
import { sha256Hex } from './lib/digest.js';
import { toHex } from './lib/encoding.js';
import {
  challengeMatches,
  checkSameKey,
  type ExpectedChallenge,
  readExpectedChallenge,
  readExpectedKey,
} from './lib/expected.js';
import { KEY_DESCRIPTION_OID, parseKeyDescription } from './lib/key-description.js';
import { publicJwkOf } from './lib/public-key.js';
import { refuseAttestation } from './lib/refusal.js';
import { parseX5c } from './lib/x5c.js';
import type { RevocationList } from './revocation-list.js';
import { GOOGLE_ATTESTATION_ROOTS } from './roots.js';

/**
 * What the device must show, besides the challenge and key: the defaults are those of a
 * consumer app that wants keys in secure hardware on locked, verified devices.
 *
 * @example
 * ```ts
 * const rules: AndroidAttestationRules = {
 *   packageNames: ['com.example.app'],
 *   signatureDigests: ['3f2a…'], // SHA-256 of the app signing certificate
 *   revocation,
 * };
 * ```
 */
export interface AndroidAttestationRules {
  /**
   * Google's attestation status list ({@link createRevocationList}), or `false` to skip the
   * revocation check (say so explicitly: revoked attestation keys then pass).
   */
  revocation: RevocationList | false;
  /** The lowest security level accepted, for the key and for the attestation (default `tee`). */
  minSecurityLevel?: AndroidSecurityLevel;
  /** Require `verifiedBootState` Verified (default true). */
  requireVerifiedBoot?: boolean;
  /** Require a locked bootloader, `rootOfTrust.deviceLocked` (default true). Not the screen lock. */
  requireDeviceLocked?: boolean;
  /** Packages allowed to have made the key (one of the attested packages must be listed). */
  packageNames?: readonly string[];
  /** SHA-256 digests (hex) of the signing certificates allowed (one of the attested must be listed). */
  signatureDigests?: readonly string[];
  /** The oldest Android security patch level accepted, `YYYYMM` (e.g. `202501`). */
  minOsPatchLevel?: number;
  /**
   * `google` (default): like Google's own verifier, ignore the expiry of factory-provisioned
   * chains (their keys cannot be rotated) and accept a device attestation key whose certificate
   * is not marked as a CA. `strict`: RFC 5280 rules for every chain.
   */
  chainValidation?: 'google' | 'strict';
  /** The trust anchors (PEM or DER), default {@link GOOGLE_ATTESTATION_ROOTS}. Replace them only in tests. */
  roots?: readonly (string | Uint8Array)[];
}

/**
 * Options for {@link verifyAndroidKeyAttestation}.
 *
 * @example
 * ```ts
 * const policy: AndroidKeyAttestationPolicy = {
 *   expectedChallenge: challenge,
 *   expectedKey: device.signingKey,
 *   expectedPurpose: 'sign',
 *   packageNames: ['com.example.app'],
 *   revocation,
 * };
 * ```
 */
export interface AndroidKeyAttestationPolicy extends AndroidAttestationRules {
  /** The challenge the server gave for this key (`KeyGenParameterSpec.setAttestationChallenge`). */
  expectedChallenge: ExpectedChallenge;
  /** The public key the attestation must certify (e.g. the handshake's `signingKey`). */
  expectedKey?: PublicJwk;
  /** What the key is for: its purposes must fit (a signing key that cannot decrypt, …). */
  expectedPurpose?: 'sign' | 'encrypt';
  /** The time at which the chain must be valid (default: now). Real chains expire; tests pin it. */
  now?: Date | number;
}

/**
 * What an Android key attestation established.
 *
 * @example
 * ```ts
 * const result = await verifyAndroidKeyAttestation(x5c, policy);
 * if (result.securityLevel === 'strongbox') grantHighValueActions();
 * ```
 */
export interface AndroidKeyAttestation extends AndroidDeviceState {
  readonly platform: 'android';
  /** Where the key lives (the KeyMint/Keymaster security level). */
  readonly securityLevel: AndroidSecurityLevel;
  /** The security level of the attestation itself. */
  readonly attestationSecurityLevel: AndroidSecurityLevel;
  readonly challenge: Uint8Array;
  /** The attested key, when it is a P-256, Ed25519 or RSA key. */
  readonly publicKey: PublicJwk | undefined;
  /** How the device got its attestation key: `remote` (RKP), `factory`, or `unknown`. */
  readonly provisioning: 'remote' | 'factory' | 'unknown';
  /** SHA-256 (hex) of the trusted root's public key (SubjectPublicKeyInfo). */
  readonly rootKeySha256: string;
  /** The app that made the key (asserted by Android, not by the secure hardware). */
  readonly app:
    | {
        readonly packages: readonly { readonly name: string; readonly version: number }[];
        /** SHA-256 (hex) of the app's signing certificates. */
        readonly signatureDigests: readonly string[];
      }
    | undefined;
  readonly purposes: readonly (AndroidKeyPurpose | number)[];
  /** Whether the status list was consulted. */
  readonly revocation: 'checked' | 'unavailable' | 'not-checked';
  /** Leniencies of the policy that applied (an expired factory intermediate, …). */
  readonly warnings: readonly string[];
}

const DEFAULT_ROOTS = GOOGLE_ATTESTATION_ROOTS;
const COMMON_NAME = '2.5.4.3';
const ORGANIZATION = '2.5.4.10';
const SERIAL_NUMBER = '2.5.4.5';

/** Google's rule: the certificate its root signed tells how the device was provisioned. */
function provisioningOf(top: ParsedCertificate): AndroidKeyAttestation['provisioning'] {
  if (
    nameAttribute(top.subject, COMMON_NAME) === 'Droid CA2' &&
    nameAttribute(top.subject, ORGANIZATION) === 'Google LLC'
  ) {
    return 'remote';
  }
  return nameAttribute(top.subject, SERIAL_NUMBER) === undefined ? 'unknown' : 'factory';
}

/**
 * Verifies an Android key attestation certificate chain (leaf first, as
 * `KeyStore.getCertificateChain` returns it): every signature up to a pinned Google root
 * (trusted by its public key, wherever it signs; RSA-4096 and P-384 "Key Attestation CA1"),
 * no certificate but the leaf carrying the KeyDescription extension (the forged-leaf attack),
 * dates at `now` (RKP chains strictly; factory chains per `chainValidation`), then the
 * KeyDescription: the key is `expectedKey`, the challenge is `expectedChallenge`, security
 * levels meet `minSecurityLevel` (Software is refused unless it is `software`), `origin` is
 * generated, purposes fit `expectedPurpose`, the app is in the allowlists, the bootloader is
 * locked and boot verified when required, the patch level is recent enough, and last no
 * certificate of the chain is revoked or suspended in Google's status list.
 *
 * Unknown KeyMint tags and attestation versions are kept in the result, never a failure.
 *
 * @param x5c - The chain: base64 DER strings (JWS `x5c`) or DER bytes, leaf first.
 * @param policy - What to expect and require.
 * @returns What the attestation established.
 * @throws `ATTESTATION_FAILED` with `detail.reason` (`untrusted_root`, `invalid_signature`,
 * `broken_chain`, `chain_extended`, `not_a_ca`, `expired`, `not_yet_valid`, `missing`,
 * `malformed`, `unsupported`, `key_mismatch`, `challenge_mismatch`, `software_key`,
 * `security_level`, `not_generated`, `wrong_purpose`, `wrong_app`, `device_unlocked`,
 * `boot_not_verified`, `patch_level`, `revoked`, `suspended`, `unavailable`);
 * `INVALID_ARGUMENT` for a malformed policy; `CRYPTO_UNAVAILABLE` without WebCrypto.
 * @example
 * ```ts
 * import { createRevocationList, verifyAndroidKeyAttestation } from 'devicebind/server/attestation';
 *
 * const result = await verifyAndroidKeyAttestation(attestation.x5c, {
 *   expectedChallenge: challenge,
 *   expectedKey: device.signingKey,
 *   packageNames: ['com.example.app'],
 *   revocation, // createRevocationList({ load }), shared
 * });
 * console.log(result.securityLevel, result.verifiedBootState);
 * ```
 */
export async function verifyAndroidKeyAttestation(
  x5c: readonly (string | Uint8Array)[],
  policy: AndroidKeyAttestationPolicy,
): Promise<AndroidKeyAttestation> {
  const options = assertObject(policy, 'policy') as unknown as Record<string, unknown>;
  const expectedChallenge = readExpectedChallenge(
    options.expectedChallenge,
    'policy.expectedChallenge',
  );
  const expectedKey = readExpectedKey(options.expectedKey, 'policy.expectedKey');
  const rules = readAndroidRules(options, 'policy');
  const now = assertTime(options.now, 'policy.now');
  const strict = options.chainValidation === 'strict';
  if (options.chainValidation !== undefined && !strict && options.chainValidation !== 'google')
    mustBe('policy.chainValidation', '"google" or "strict"');
  const revocation = options.revocation;
  if (
    revocation !== false &&
    (typeof revocation !== 'object' || revocation === null || !('lookup' in revocation))
  ) {
    mustBe('policy.revocation', 'a list from createRevocationList(), or false to skip the check');
  }
  const anchors = trustAnchors(options.roots ?? DEFAULT_ROOTS, 'policy.roots');

  const certificates = parseX5c(x5c, 'x5c');
  const chain = await verifyChain(certificates, anchors, {
    leafIssuerMayBeEndEntity: !strict,
    leafOnlyExtension: KEY_DESCRIPTION_OID,
  });
  const provisioning = provisioningOf(chain.path[chain.path.length - 1]!);
  const validityWarnings = checkValidity(chain.path, {
    now,
    // The device writes the leaf's dates itself (often 1970 to 2048); they prove nothing.
    leafValidity: false,
    mayBeExpired: !strict && provisioning === 'factory',
  });

  const leaf = certificates[0]!;
  const extension = leaf.extensions.get(KEY_DESCRIPTION_OID);
  if (extension === undefined) {
    refuseAttestation('missing', 'the leaf certificate has no KeyDescription extension', {
      claim: 'x5c[0]',
    });
  }
  const description = parseKeyDescription(extension.value);
  const facts = androidFacts(description);
  const publicKey = publicJwkOf(leaf);
  checkSameKey(expectedKey, publicKey, 'x5c[0].subjectPublicKeyInfo');
  if (!(await challengeMatches(expectedChallenge, description.challenge))) {
    refuseAttestation('challenge_mismatch', 'the attestation challenge is not the expected one', {
      claim: 'attestationChallenge',
    });
  }
  checkAndroidFacts(facts, rules);
  const revocationOutcome = await checkRevocation(
    revocation as RevocationList | false,
    certificates,
  );
  const { enforced: _, app, ...state } = facts;
  return {
    ...state,
    platform: 'android',
    securityLevel: facts.securityLevel!,
    attestationSecurityLevel: facts.attestationSecurityLevel!,
    challenge: description.challenge,
    publicKey,
    provisioning,
    rootKeySha256: sha256Hex(chain.anchor.spki),
    app:
      app === undefined
        ? undefined
        : { packages: app.packages, signatureDigests: app.signatureDigests.map(toHex) },
    purposes: facts.purposes ?? [],
    revocation: revocationOutcome.revocation,
    warnings: [...chain.warnings, ...validityWarnings, ...revocationOutcome.warnings],
  };
}
