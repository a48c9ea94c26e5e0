// verifyDeviceAttestation: checks the evidence of each key a verified handshake carries against
// one policy, with the challenge taken from the handshake's nonce.

import { appAttestClientDataHash } from '../../core/app-attest-client-data.js';
import { assertBytes, assertObject, assertTime, mustBe } from '../../core/assert.js';
import type { PublicJwk } from '../../core/jwk.js';
import { utf8Encode } from '../../core/utf8.js';
import type { KeyAttestation } from '../../keystores/contract.js';
import type { VerifiedHandshake } from '../verify-handshake.js';
import { sha256 } from './lib/digest.js';
import { challengeMatches } from './lib/expected.js';
import { refuseAttestation } from './lib/refusal.js';
import {
  type AndroidAttestationRules,
  type AndroidKeyAttestation,
  verifyAndroidKeyAttestation,
} from './verify-android-key-attestation.js';
import {
  type AppAttestation,
  type AppAttestRules,
  checkAppAttestation,
  readAppAttestRules,
} from './verify-app-attestation.js';

/**
 * One policy for every key of a device: the rules per platform (a platform left out is not
 * accepted), which keys must carry evidence, and whether evidence made before this handshake
 * counts.
 *
 * @example
 * ```ts
 * const policy: DeviceAttestationPolicy = {
 *   android: { packageNames: ['com.example.app'], signatureDigests: [APP_CERT_SHA256], revocation },
 *   ios: { teamId: 'V8H6LQ9448', bundleId: 'com.example.app' },
 * };
 * ```
 */
export interface DeviceAttestationPolicy {
  /** Rules for Android key attestation; without them Android evidence is refused. */
  android?: AndroidAttestationRules;
  /** Rules for App Attest; without them iOS evidence is refused. */
  ios?: AppAttestRules;
  /**
   * Which keys must carry evidence: `signing` (default; the device id is that key's), `both`,
   * or `none` (evidence is verified when present). Evidence that is present always must verify.
   */
  requireEvidence?: 'signing' | 'both' | 'none';
  /**
   * Accept evidence made before this handshake (keys made earlier: by `ensureKeys`, or for an
   * earlier sign-in). Default false: the attestation challenge must come from this handshake's
   * nonce, which `createHandshake` uses when it creates the keys. The key's possession is
   * proven by the handshake either way; earlier evidence shows the device as it was then.
   * On iOS, earlier evidence verifies only when the keys were made without a challenge or
   * with `expectedChallenge` (the App Attest nonce covers the challenge).
   */
  acceptEarlierEvidence?: boolean;
  /** A challenge the keys may have been made with instead (e.g. given to `ensureKeys`). */
  expectedChallenge?: Uint8Array;
  /** The time at which certificates must be valid (default: now). */
  now?: Date | number;
}

/** What a key's evidence established: an Android key attestation or an App Attest attestation. */
export type KeyAttestationResult = AndroidKeyAttestation | AppAttestation;

/**
 * What {@link verifyDeviceAttestation} established, per key.
 *
 * @example
 * ```ts
 * const { signing, fresh } = await verifyDeviceAttestation(device, policy);
 * if (signing?.platform === 'android' && signing.securityLevel === 'strongbox') …
 * ```
 */
export interface DeviceAttestation {
  readonly signing?: KeyAttestationResult;
  readonly encryption?: KeyAttestationResult;
  /** Whether all the evidence was made for this handshake (its challenge is the handshake's). */
  readonly fresh: boolean;
}

/**
 * The attestation challenge that `DeviceBinding.createHandshake` gives the keys it creates:
 * SHA-256 of the handshake nonce (UTF-8). Use it to verify evidence with
 * {@link verifyAndroidKeyAttestation} or {@link verifyAppAttestation} directly.
 *
 * @throws `INVALID_ARGUMENT` when `nonce` is not a non-empty string.
 * @example
 * ```ts
 * const expectedChallenge = await handshakeAttestationChallenge(device.nonce);
 * ```
 */
export async function handshakeAttestationChallenge(nonce: string): Promise<Uint8Array> {
  if (typeof nonce !== 'string' || nonce.length === 0) mustBe('nonce', 'the handshake nonce');
  return sha256(utf8Encode(nonce));
}

type Role = 'signing' | 'encryption';

interface Expectations {
  readonly fresh: Uint8Array;
  readonly other: Uint8Array | undefined;
  readonly anyChallenge: boolean;
  readonly now: number;
}

async function verifyAndroid(
  evidence: KeyAttestation,
  key: PublicJwk,
  role: Role,
  rules: AndroidAttestationRules,
  expect: Expectations,
): Promise<{ result: KeyAttestationResult; fresh: boolean }> {
  let fresh = false;
  const result = await verifyAndroidKeyAttestation(evidence.x5c ?? [], {
    ...rules,
    expectedChallenge: async (challenge) => {
      fresh = await challengeMatches(expect.fresh, challenge);
      return (
        fresh ||
        expect.anyChallenge ||
        (expect.other !== undefined && (await challengeMatches(expect.other, challenge)))
      );
    },
    expectedKey: key,
    expectedPurpose: role === 'signing' ? 'sign' : 'encrypt',
    now: expect.now,
  });
  return { result, fresh };
}

async function verifyIos(
  evidence: KeyAttestation,
  key: PublicJwk,
  rules: AppAttestRules,
  expect: Expectations,
  prefix: string,
): Promise<{ result: KeyAttestationResult; fresh: boolean }> {
  const ruleSet = readAppAttestRules(rules as unknown as Record<string, unknown>, prefix);
  // The nonce covers the challenge, so each challenge the keys may have been made with is tried.
  const candidates = [appAttestClientDataHash(key, expect.fresh)];
  if (expect.other !== undefined) candidates.push(appAttestClientDataHash(key, expect.other));
  if (expect.anyChallenge) candidates.push(appAttestClientDataHash(key, undefined));
  const { result, matched } = await checkAppAttestation(evidence, ruleSet, expect.now, candidates);
  return { result, fresh: matched === 0 };
}

/**
 * Verifies the key attestation a verified handshake carries, key by key, against one policy:
 * Android chains with {@link verifyAndroidKeyAttestation} (the leaf must be the handshake's key,
 * its purposes those of a signing or an encryption key), App Attest objects with
 * {@link verifyAppAttestation} (vouching for the handshake's key, as the iOS adapter asks). The
 * challenge is the one `createHandshake` gives new keys: SHA-256 of the handshake nonce
 * ({@link handshakeAttestationChallenge}); older evidence only with `acceptEarlierEvidence`.
 *
 * @param device - The result of `verifyHandshake` (`devicebind/server`).
 * @param policy - The rules per platform and which keys must carry evidence.
 * @returns What each key's evidence established, and whether all of it is fresh.
 * @throws `ATTESTATION_FAILED` with `detail.reason`: those of the two verifiers, plus
 * `missing` (required evidence is absent) and `unsupported` (a platform the policy leaves
 * out); `INVALID_ARGUMENT` for a malformed policy or device; `CRYPTO_UNAVAILABLE`.
 * @example
 * ```ts
 * import { verifyHandshake } from 'devicebind/server';
 * import { createRevocationList, verifyDeviceAttestation } from 'devicebind/server/attestation';
 *
 * const revocation = createRevocationList({ load: fetchGoogleStatusList }); // once, shared
 * const device = await verifyHandshake(body.handshake, { nonce: consumeChallenge });
 * const evidence = await verifyDeviceAttestation(device, {
 *   android: { packageNames: ['com.example.app'], revocation },
 *   ios: { teamId: 'V8H6LQ9448', bundleId: 'com.example.app' },
 * });
 * await devices.save(device.deviceId, device.signingKey, evidence.signing?.securityLevel);
 * ```
 */
export async function verifyDeviceAttestation(
  device: Pick<VerifiedHandshake, 'signingKey' | 'encryptionKey' | 'attestation' | 'nonce'>,
  policy: DeviceAttestationPolicy,
): Promise<DeviceAttestation> {
  const handshake = assertObject(device, 'device');
  const options = assertObject(policy, 'policy');
  if (typeof handshake.nonce !== 'string' || handshake.nonce.length === 0)
    mustBe('device', 'the result of verifyHandshake (it has no "nonce")');
  const required = options.requireEvidence ?? 'signing';
  if (required !== 'signing' && required !== 'both' && required !== 'none')
    mustBe('policy.requireEvidence', '"signing", "both" or "none"');
  const anyChallenge = options.acceptEarlierEvidence ?? false;
  if (typeof anyChallenge !== 'boolean') mustBe('policy.acceptEarlierEvidence', 'a boolean');
  if (options.android !== undefined) assertObject(options.android, 'policy.android');
  if (options.ios !== undefined) assertObject(options.ios, 'policy.ios');
  const expect: Expectations = {
    fresh: await handshakeAttestationChallenge(handshake.nonce),
    other:
      options.expectedChallenge === undefined
        ? undefined
        : assertBytes(options.expectedChallenge, 'policy.expectedChallenge'),
    anyChallenge,
    now: assertTime(options.now, 'policy.now'),
  };

  const out: { signing?: KeyAttestationResult; encryption?: KeyAttestationResult } = {};
  let fresh = true;
  for (const role of ['signing', 'encryption'] as const) {
    const claim = `attestation.${role}`;
    const evidence = handshake.attestation?.[role];
    const key = role === 'signing' ? handshake.signingKey : handshake.encryptionKey;
    if (evidence === undefined) {
      if (required === 'both' || (required === 'signing' && role === 'signing'))
        refuseAttestation('missing', `the ${role} key has no attestation`, { claim });
      continue;
    }
    let verified: { result: KeyAttestationResult; fresh: boolean };
    if (evidence.format === 'android-key' && options.android !== undefined) {
      verified = await verifyAndroid(evidence, key, role, options.android, expect);
    } else if (evidence.format === 'apple-app-attest' && options.ios !== undefined) {
      verified = await verifyIos(evidence, key, options.ios, expect, 'policy.ios');
    } else {
      refuseAttestation(
        'unsupported',
        `the policy does not accept ${String(evidence.format)} evidence`,
        {
          claim: `${claim}.format`,
          actual: String(evidence.format),
        },
      );
    }
    out[role] = verified.result;
    fresh &&= verified.fresh;
  }
  return { ...out, fresh };
}
