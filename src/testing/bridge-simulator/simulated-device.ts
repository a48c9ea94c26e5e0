// The state of a simulated phone: its keys, who authenticated when, the enrolled biometrics,
// the queue of scripted prompt outcomes, and the key operations both platforms share.

import { p256 } from '@noble/curves/nist.js';
import { encodeBase64url } from '../../core/base64url.js';
import { concatBytes } from '../../core/bytes.js';
import { P256_SPKI_PREFIX } from '../../keystores/bridge/public-keys.js';
import type { AuthenticationPrompt } from '../../keystores/contract.js';
import type { AndroidAttestationFacts } from './android-attestation.js';
import type { AttestationAuthority } from './attestation-authority.js';
import type { ContentDecryptionSettings } from './content-decryption.js';
import { NativeFailure } from './native-failure.js';
import type { RsaPrivateKey } from './rsa.js';
import type { WireUserAuthentication } from './wire-params.js';

/**
 * How the simulated user answers an authentication prompt. `no-callback` (Android) is a
 * `BiometricPrompt` that never calls back: the native backstop timeout ends it.
 */
export type PromptOutcome =
  | 'approve'
  | 'cancel'
  | 'negative-button'
  | 'fail'
  | 'lockout'
  | 'lockout-permanent'
  | 'no-callback';

/**
 * Whether biometrics can be used now: `locked-out` after too many failed attempts (until the
 * device credential is used), `disabled-for-app` when the user turned Face ID / Touch ID off
 * for the app (iOS).
 */
export type BiometricState = 'available' | 'locked-out' | 'disabled-for-app';

/** An authentication prompt the simulated native side showed. */
export interface SimulatedPrompt {
  readonly method: string;
  readonly alias: string;
  readonly prompt: AuthenticationPrompt | undefined;
  readonly outcome: PromptOutcome;
}

/** @internal Device facts with every default decided. */
export interface DeviceSettings {
  readonly platform: 'android' | 'ios';
  readonly apiLevel: number;
  readonly strongBox: boolean;
  readonly hardwareBacked: boolean;
  readonly secureEnclave: boolean;
  readonly deviceSecure: boolean;
  readonly biometrics: boolean;
  /** Android API 31+: what `KeyInfo.getSecurityLevel()` reports for keys outside StrongBox. */
  readonly reportedSecurityLevel: 'trusted-environment' | 'unknown-secure' | 'unknown';
  readonly protocolVersion: number;
  readonly now: () => number;
  /** Android: who certifies new keys, and what their attestations say. */
  readonly attestation: {
    readonly authority: AttestationAuthority;
    readonly facts: AndroidAttestationFacts | undefined;
  };
  /** What the native side offers for `decryptContent`; undefined: a module without it. */
  readonly contentDecryption: ContentDecryptionSettings | undefined;
}

/** @internal One key in the simulated key store. */
export interface SimulatedKey {
  readonly alias: string;
  readonly purpose: 'sign' | 'encrypt';
  readonly algorithm: 'ES256' | 'ECDH-ES' | 'RSA-OAEP' | 'RSA-OAEP-256';
  readonly securityLevel: 'software' | 'tee' | 'strongbox' | 'secure-enclave';
  readonly userAuthentication: WireUserAuthentication;
  readonly createdAt: number;
  readonly spki: Uint8Array;
  readonly ecSecret?: Uint8Array;
  readonly rsa?: RsaPrivateKey;
  attestation?: Record<string, unknown>;
  /** The platform made the key unusable (e.g. after a biometric enrolment). */
  invalidated: boolean;
  /** iOS: the biometric domain state saved when the key was made, for enrolment checks. */
  savedEnrollment?: number;
  /**
   * Android: the enrolment its biometric canary key was made under (the reference module makes
   * one beside keys Keystore itself does not invalidate on enrolment).
   */
  canaryEnrollment?: number;
  /** iOS: when the key's cached authentication context was last authenticated. */
  authenticatedAt?: number;
}

/** @internal The native error names a platform uses around prompts. */
export interface PromptErrors {
  readonly notAuthenticated: string;
  /** What a biometric-only key fails with while biometrics cannot be used. */
  readonly biometricsUnavailable: Readonly<Record<Exclude<BiometricState, 'available'>, string>>;
  readonly outcomes: Readonly<Partial<Record<Exclude<PromptOutcome, 'approve'>, string>>>;
}

/** @internal A P-256 key pair and its SubjectPublicKeyInfo. */
export function newP256Key(): { ecSecret: Uint8Array; spki: Uint8Array } {
  const { secretKey } = p256.keygen();
  return {
    ecSecret: secretKey,
    spki: concatBytes(P256_SPKI_PREFIX, p256.getPublicKey(secretKey, false)),
  };
}

/** @internal ECDSA P-256 / SHA-256 over `data`, DER-encoded, as both platforms return it. */
export function signDer(key: SimulatedKey, data: Uint8Array): Uint8Array {
  return p256.sign(data, key.ecSecret!, { prehash: true, lowS: false, format: 'der' });
}

/** @internal ECDH on P-256: the x-coordinate of the shared point. */
export function agreeP256(key: SimulatedKey, peer: Uint8Array, invalidKey: string): Uint8Array {
  try {
    return p256.getSharedSecret(key.ecSecret!, peer, true).subarray(1);
  } catch {
    throw new NativeFailure(invalidKey, 'the peer public key is not a valid P-256 point');
  }
}

/** @internal The simulated phone. */
export class SimulatedDevice {
  readonly keys = new Map<string, SimulatedKey>();
  readonly prompts: SimulatedPrompt[] = [];
  readonly promptQueue: PromptOutcome[] = [];
  interactionAllowed = true;
  biometricState: BiometricState = 'available';
  lastAuthentication: number | undefined;
  /** Changes whenever the enrolled biometrics change (iOS `evaluatedPolicyDomainState`). */
  enrollment = 1;
  readonly settings: DeviceSettings;

  constructor(settings: DeviceSettings) {
    this.settings = settings;
  }

  /** The key under `alias`, or the platform's not-found error. */
  key(alias: string, notFound: string): SimulatedKey {
    const key = this.keys.get(alias);
    if (key === undefined) throw new NativeFailure(notFound, 'no key under this alias');
    return key;
  }

  /**
   * Lets a key operation proceed when the key's policy allows it: no policy, an
   * authentication within the validity window, or a prompt the user approves.
   *
   * Android's window is device-wide: Keystore accepts any authentication of the user within
   * `validitySeconds`. iOS's window is per key: the reference module keeps one authenticated
   * `LAContext` per key and reuses it for `validitySeconds` after it was authenticated (a
   * device unlock within the window authenticates a new context without a prompt, through
   * `touchIDAuthenticationAllowableReuseDuration`).
   */
  authorize(
    key: SimulatedKey,
    method: string,
    prompt: AuthenticationPrompt | undefined,
    errors: PromptErrors,
  ): void {
    const policy = key.userAuthentication;
    if (policy.type === 'none') return;
    const now = this.settings.now();
    const window = policy.validitySeconds * 1000;
    const within = (at: number | undefined) => at !== undefined && now - at <= window;
    const ios = this.settings.platform === 'ios';
    if (window > 0) {
      if (ios && within(key.authenticatedAt)) return;
      if (within(this.lastAuthentication)) {
        if (ios) key.authenticatedAt = now;
        return;
      }
    }
    if (!this.interactionAllowed) {
      throw new NativeFailure(
        errors.notAuthenticated,
        'user authentication is needed and no prompt can be shown',
      );
    }
    // A biometric-only prompt cannot run while biometrics are unusable; one that also
    // accepts the device credential falls back to it.
    if (this.biometricState !== 'available' && policy.type === 'biometric') {
      throw new NativeFailure(
        errors.biometricsUnavailable[this.biometricState],
        `biometrics are ${this.biometricState}`,
      );
    }
    const outcome = this.promptQueue.shift() ?? 'approve';
    this.prompts.push({ method, alias: key.alias, prompt, outcome });
    if (outcome === 'approve') {
      if (ios) {
        if (window > 0) key.authenticatedAt = now;
      } else {
        this.lastAuthentication = now;
      }
      // Only the device credential gets past a lockout, and using it ends the lockout.
      if (this.biometricState === 'locked-out') this.biometricState = 'available';
      return;
    }
    if (outcome === 'lockout' || outcome === 'lockout-permanent') {
      this.biometricState = 'locked-out';
    }
    // The reference Android module cancels a prompt that never calls back after its
    // backstop timeout and reports that no authentication happened.
    const name = outcome === 'no-callback' ? errors.notAuthenticated : errors.outcomes[outcome];
    throw new NativeFailure(
      name ?? 'UnexpectedPromptOutcome',
      `the prompt ended with "${outcome}"`,
    );
  }

  /** The key record of the protocol. */
  record(key: SimulatedKey): Record<string, unknown> {
    return {
      alias: key.alias,
      purpose: key.purpose,
      algorithm: key.algorithm,
      publicKey: encodeBase64url(key.spki),
      securityLevel: key.securityLevel,
      userAuthentication: key.userAuthentication,
      createdAt: key.createdAt,
      ...(key.attestation && { attestation: key.attestation }),
    };
  }
}
