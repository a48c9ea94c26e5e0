// verifyAppAttestation: is this App Attest key in the Secure Enclave of a genuine Apple device,
// used by this app, and did that app vouch for this device key and challenge?

import { appAttestClientDataHash } from '../../core/app-attest-client-data.js';
import { assertBytes, assertObject, assertString, assertTime, mustBe } from '../../core/assert.js';
import { encodeBase64 } from '../../core/base64url.js';
import { concatBytes, equalBytes } from '../../core/bytes.js';
import type { EcPublicJwk, PublicJwk } from '../../core/jwk.js';
import { utf8Encode } from '../../core/utf8.js';
import { appleNonce, appleOsVersion } from './lib/apple-extensions.js';
import { parseAuthenticatorData } from './lib/authenticator-data.js';
import { cborBytes, cborMap, decodeCbor } from './lib/cbor.js';
import { checkValidity, type TrustAnchor, trustAnchors, verifyChain } from './lib/chain.js';
import { sha256, sha256Hex } from './lib/digest.js';
import { decodeAnyBase64 } from './lib/encoding.js';
import { checkSameKey, readExpectedKey } from './lib/expected.js';
import { publicJwkOf } from './lib/public-key.js';
import { refuseAttestation } from './lib/refusal.js';
import { parseX5c } from './lib/x5c.js';
import { APPLE_APP_ATTESTATION_ROOT } from './roots.js';

/**
 * Which app an App Attest key must belong to, and in which environment.
 *
 * @example
 * ```ts
 * const rules: AppAttestRules = { teamId: 'V8H6LQ9448', bundleId: 'com.example.app' };
 * ```
 */
export interface AppAttestRules {
  /** The Apple Developer Team ID (10 characters). */
  teamId: string;
  /** The app's bundle identifier. */
  bundleId: string;
  /** Accept keys of the App Attest development environment (default false: production only). */
  allowDevelopment?: boolean;
  /** The trust anchors (PEM or DER), default {@link APPLE_APP_ATTESTATION_ROOT}. Replace them only in tests. */
  roots?: readonly (string | Uint8Array)[];
}

/**
 * Options for {@link verifyAppAttestation}: the app, and what the attestation must vouch for,
 * either as devicebind's iOS adapter computes it (`expectedKey`, with `expectedChallenge` when
 * the key was made with one) or as a `clientDataHash` of the app's own App Attest flow.
 *
 * @example
 * ```ts
 * const policy: AppAttestationPolicy = {
 *   teamId, bundleId,
 *   expectedKey: device.signingKey,
 *   expectedChallenge: challenge,
 * };
 * ```
 */
export interface AppAttestationPolicy extends AppAttestRules {
  /** The device key the App Attest key vouched for (the iOS adapter's `clientDataHash` input). */
  expectedKey?: PublicJwk;
  /** The challenge the device key was made with (`KeySpec.attestationChallenge`), if any. */
  expectedChallenge?: Uint8Array;
  /** The `clientDataHash` the app passed to `attestKey`, instead of `expectedKey`. */
  clientDataHash?: Uint8Array;
  /** The time at which the certificates must be valid (default: now). */
  now?: Date | number;
}

/**
 * App Attest evidence: the `keyId` of `DCAppAttestService.generateKey` and the attestation
 * object of `attestKey` (bytes, or base64 / base64url text). The iOS adapter's
 * `apple-app-attest` handshake attestation has this shape.
 *
 * @example
 * ```ts
 * const evidence: AppAttestEvidence = { keyId, attestationObject };
 * ```
 */
export interface AppAttestEvidence {
  readonly keyId: string;
  readonly attestationObject: string | Uint8Array;
}

/**
 * What an App Attest attestation established.
 *
 * @example
 * ```ts
 * const result = await verifyAppAttestation(evidence, policy);
 * await db.appAttestKeys.insert({ keyId: result.keyId, publicKey: result.publicKey, counter: 0 });
 * ```
 */
export interface AppAttestation {
  readonly platform: 'ios';
  /** The App Attest key lives in the Secure Enclave. */
  readonly securityLevel: 'secure-enclave';
  readonly environment: 'production' | 'development';
  /** The App Attest key id (standard base64, as `generateKey` returns it). */
  readonly keyId: string;
  /** `<teamId>.<bundleId>`. */
  readonly appId: string;
  /** The App Attest key: keep it to verify the app's assertions. */
  readonly publicKey: EcPublicJwk;
  /** Its signature counter, 0 after an attestation: keep it for assertions. */
  readonly counter: number;
  /** The iOS version, as the credential certificate says. */
  readonly osVersion: string | undefined;
  /** Apple's receipt, for the App Attest fraud-metric service. */
  readonly receipt: Uint8Array;
  readonly clientDataHash: Uint8Array;
  /** SHA-256 (hex) of the trusted root's public key. */
  readonly rootKeySha256: string;
}

const MAX_OBJECT = 64 * 1024;
const FORMAT = 'apple-appattest';
const PRODUCTION = utf8Encode('appattest\0\0\0\0\0\0\0');
const DEVELOPMENT = utf8Encode('appattestdevelop');

/** @internal The app part of a policy, checked. */
export interface AppAttestRuleSet {
  readonly appId: string;
  readonly allowDevelopment: boolean;
  readonly anchors: readonly TrustAnchor[];
}

/** @internal Checks the app part of a policy. @throws `INVALID_ARGUMENT` */
export function readAppAttestRules(
  policy: Record<string, unknown>,
  prefix: string,
): AppAttestRuleSet {
  const teamId = assertString(policy.teamId, `${prefix}.teamId`, 64);
  const bundleId = assertString(policy.bundleId, `${prefix}.bundleId`, 255);
  const allowDevelopment = policy.allowDevelopment ?? false;
  if (typeof allowDevelopment !== 'boolean') mustBe(`${prefix}.allowDevelopment`, 'a boolean');
  const anchors = trustAnchors(policy.roots ?? [APPLE_APP_ATTESTATION_ROOT], `${prefix}.roots`);
  return { appId: `${teamId}.${bundleId}`, allowDevelopment, anchors };
}

function readEvidence(value: unknown): {
  keyId: Uint8Array;
  object: Uint8Array;
} {
  const { keyId, attestationObject } = assertObject(value, 'attestation') as Record<
    string,
    unknown
  >;
  const keyIdText = assertString(keyId, 'attestation.keyId', 200);
  const keyIdBytes = decodeAnyBase64(keyIdText);
  if (keyIdBytes === undefined) mustBe('attestation.keyId', 'the base64 key id');
  const object =
    attestationObject instanceof Uint8Array
      ? attestationObject
      : typeof attestationObject === 'string'
        ? decodeAnyBase64(attestationObject)
        : undefined;
  if (object === undefined)
    mustBe('attestation.attestationObject', 'bytes, or base64 or base64url text');
  if (object.length === 0 || object.length > MAX_OBJECT) {
    refuseAttestation('malformed', 'the attestation object is empty or larger than 64 KiB', {
      claim: 'attestationObject',
    });
  }
  return { keyId: keyIdBytes, object };
}

/**
 * Verifies an App Attest attestation (Apple's "Validating apps that connect to your server"):
 * the credential certificate chains to the Apple App Attestation Root CA at `now`; its nonce
 * extension equals SHA-256(authData ‖ clientDataHash); `keyId` is SHA-256 of its public key;
 * `rpIdHash` is SHA-256(`<teamId>.<bundleId>`); the counter is 0; the environment is production
 * (or development when allowed); the credential id is `keyId` and its COSE key is the
 * certificate's key. The clientDataHash is computed as devicebind's iOS adapter does (from
 * `expectedKey` and `expectedChallenge`), or taken from `clientDataHash`.
 *
 * What it proves about the device key: a genuine instance of the app, on a genuine device,
 * asked App Attest to vouch for it. The device key's own storage is the adapter's claim.
 *
 * @param attestation - `{ keyId, attestationObject }`.
 * @param policy - The app, the environment, and what the attestation must vouch for.
 * @returns What the attestation established; keep `publicKey` and `counter` for assertions.
 * @throws `ATTESTATION_FAILED` with `detail.reason` (`malformed`, `unsupported`,
 * `untrusted_root`, `broken_chain`, `invalid_signature`, `not_a_ca`, `expired`,
 * `not_yet_valid`, `missing`, `challenge_mismatch`, `key_mismatch`, `wrong_app`, `counter`,
 * `development_environment`); `INVALID_ARGUMENT` for malformed arguments;
 * `CRYPTO_UNAVAILABLE` without WebCrypto.
 * @example
 * ```ts
 * import { verifyAppAttestation } from 'devicebind/server/attestation';
 *
 * const result = await verifyAppAttestation(handshake.attestation.signing, {
 *   teamId: 'V8H6LQ9448',
 *   bundleId: 'com.example.app',
 *   expectedKey: handshake.signingKey,
 *   expectedChallenge: challenge,
 * });
 * ```
 */
export async function verifyAppAttestation(
  attestation: AppAttestEvidence,
  policy: AppAttestationPolicy,
): Promise<AppAttestation> {
  const options = assertObject(policy, 'policy') as unknown as Record<string, unknown>;
  const rules = readAppAttestRules(options, 'policy');
  const now = assertTime(options.now, 'policy.now');
  const expectedKey = readExpectedKey(options.expectedKey, 'policy.expectedKey');
  if ((expectedKey === undefined) === (options.clientDataHash === undefined))
    mustBe('policy', 'given "expectedKey" or "clientDataHash" (one of them)');
  const clientDataHash =
    expectedKey === undefined
      ? assertBytes(options.clientDataHash, 'policy.clientDataHash')
      : appAttestClientDataHash(
          expectedKey,
          options.expectedChallenge === undefined
            ? undefined
            : assertBytes(options.expectedChallenge, 'policy.expectedChallenge'),
        );
  if (clientDataHash.length !== 32)
    mustBe('policy.clientDataHash', 'the 32-byte SHA-256 the app passed to attestKey');
  const { result } = await checkAppAttestation(attestation, rules, now, [clientDataHash]);
  return result;
}

/**
 * @internal Verifies App Attest evidence against `rules` at `now`; its nonce may vouch for
 * any of `clientDataHashes` (which one is `matched`).
 * @throws as {@link verifyAppAttestation}
 */
export async function checkAppAttestation(
  attestation: unknown,
  rules: AppAttestRuleSet,
  now: number,
  clientDataHashes: readonly Uint8Array[],
): Promise<{ result: AppAttestation; matched: number }> {
  const { appId, allowDevelopment, anchors } = rules;
  const evidence = readEvidence(attestation);
  const object = cborMap(decodeCbor(evidence.object, 'attestation object'), 'attestation object');
  if (object.get('fmt') !== FORMAT) {
    refuseAttestation('unsupported', `the attestation format is not "${FORMAT}"`, {
      claim: 'fmt',
      expected: FORMAT,
      actual: String(object.get('fmt')),
    });
  }
  const statement = cborMap(object.get('attStmt'), 'attStmt');
  const authData = cborBytes(object, 'authData', 'authData');
  const receipt = cborBytes(statement, 'receipt', 'attStmt.receipt');
  const x5c = statement.get('x5c');
  if (!Array.isArray(x5c))
    refuseAttestation('malformed', 'the attStmt has no x5c', { claim: 'x5c' });
  const certificates = parseX5c(x5c, 'x5c');
  const chain = await verifyChain(certificates, anchors, { leafIssuerMayBeEndEntity: false });
  checkValidity(chain.path, { now, leafValidity: true, mayBeExpired: false });
  const credential = certificates[0]!;

  const nonce = appleNonce(credential);
  let matched = -1;
  for (const [index, clientDataHash] of clientDataHashes.entries()) {
    if (equalBytes(nonce, sha256(concatBytes(authData, clientDataHash)))) {
      matched = index;
      break;
    }
  }
  if (matched < 0) {
    refuseAttestation(
      'challenge_mismatch',
      'the attestation does not vouch for this key and challenge (clientDataHash)',
      {
        claim: 'x5c[0].nonce',
      },
    );
  }
  const publicKey = publicJwkOf(credential);
  if (publicKey?.kty !== 'EC')
    refuseAttestation('unsupported', 'the App Attest key is not a P-256 key', { claim: 'x5c[0]' });
  if (!equalBytes(sha256(credential.publicKeyBytes), evidence.keyId)) {
    refuseAttestation('key_mismatch', 'the keyId is not the hash of the attested key', {
      claim: 'keyId',
    });
  }
  const data = parseAuthenticatorData(authData, true);
  if (!equalBytes(data.rpIdHash, sha256(utf8Encode(appId)))) {
    refuseAttestation('wrong_app', 'the key belongs to another app', {
      claim: 'authData.rpIdHash',
      expected: appId,
    });
  }
  if (data.counter !== 0) {
    refuseAttestation('counter', 'the counter of a new App Attest key must be 0', {
      claim: 'authData.counter',
      expected: '0',
      actual: String(data.counter),
    });
  }
  const environment = equalBytes(data.aaguid!, PRODUCTION)
    ? 'production'
    : equalBytes(data.aaguid!, DEVELOPMENT)
      ? 'development'
      : refuseAttestation('malformed', 'the aaguid is not an App Attest environment', {
          claim: 'authData.aaguid',
        });
  if (environment === 'development' && !allowDevelopment) {
    refuseAttestation(
      'development_environment',
      'the key is from the App Attest development environment',
      {
        claim: 'authData.aaguid',
        expected: 'production',
        actual: environment,
      },
    );
  }
  if (!equalBytes(data.credentialId!, evidence.keyId)) {
    refuseAttestation('key_mismatch', 'the credential id is not the keyId', {
      claim: 'authData.credentialId',
    });
  }
  checkSameKey(publicKey, data.credentialPublicKey, 'authData.credentialPublicKey');
  const result: AppAttestation = {
    platform: 'ios',
    securityLevel: 'secure-enclave',
    environment,
    keyId: encodeBase64(evidence.keyId),
    appId,
    publicKey,
    counter: data.counter,
    osVersion: appleOsVersion(credential),
    receipt,
    clientDataHash: clientDataHashes[matched]!,
    rootKeySha256: sha256Hex(chain.anchor.spki),
  };
  return { result, matched };
}
