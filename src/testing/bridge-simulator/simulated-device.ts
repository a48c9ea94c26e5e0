// The state of a simulated phone: its keys, who authenticated when, the enrolled biometrics,
// the queue of scripted prompt outcomes, and the key operations both platforms share.

import { p256 } from '@noble/curves/nist.js';
import { encodeBase64url } from '../../core/base64url.js';
import { concatBytes } from '../../core/bytes.js';
import { P256_SPKI_PREFIX } from '../../keystores/bridge/public-keys.js';
import type { AuthenticationPrompt } from '../../keystores/contract.js';
import { NativeFailure } from './native-failure.js';
import type { RsaPrivateKey } from './rsa.js';
import type { WireUserAuthentication } from './wire-params.js';

/** How the simulated user answers an authentication prompt. */
export type PromptOutcome =
  | 'approve'
  | 'cancel'
  | 'negative-button'
  | 'fail'
  | 'lockout'
  | 'lockout-permanent';

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
  readonly protocolVersion: number;
  readonly now: () => number;
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
}

/** @internal The native error names a platform uses around prompts. */
export interface PromptErrors {
  readonly notAuthenticated: string;
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
   * Lets a key operation proceed when the key's policy allows it: no policy, a recent
   * authentication within the validity window, or a prompt the user approves.
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
    if (
      policy.validitySeconds > 0 &&
      this.lastAuthentication !== undefined &&
      now - this.lastAuthentication <= policy.validitySeconds * 1000
    ) {
      return;
    }
    if (!this.interactionAllowed) {
      throw new NativeFailure(
        errors.notAuthenticated,
        'user authentication is needed and no prompt can be shown',
      );
    }
    const outcome = this.promptQueue.shift() ?? 'approve';
    this.prompts.push({ method, alias: key.alias, prompt, outcome });
    if (outcome === 'approve') {
      this.lastAuthentication = now;
      return;
    }
    throw new NativeFailure(
      errors.outcomes[outcome] ?? 'UnexpectedPromptOutcome',
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
