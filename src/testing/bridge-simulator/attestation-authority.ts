// createAttestationAuthority: a test stand-in for Google's and Apple's attestation services,
// issuing Android key attestation chains and App Attest keys under its own roots, so apps and
// CI can test their server's attestation policy (and each refusal) without a device.

import { assertFunction, assertObject } from '../../core/assert.js';
import type { AppAttestProvider } from '../../keystores/ios/app-attest.js';
import {
  AndroidAttestationIssuer,
  type AndroidAttestationOptions,
  type SimulatedAndroidAttestation,
} from './android-attestation.js';
import {
  AppAttestIssuer,
  type AppAttestOptions,
  type SimulatedAppAttestKey,
} from './app-attestation.js';

/** Options for {@link createAttestationAuthority}. */
export interface AttestationAuthorityOptions {
  /** The clock for certificate validity, ms (default `Date.now`). */
  now?: () => number;
}

/** A simulated attestation service: Android chains and App Attest keys under test roots. */
export interface AttestationAuthority {
  /** The Android root (PEM): pass it as the verifier's `roots`. */
  readonly androidRoots: readonly string[];
  /** The App Attest root (PEM): pass it as the verifier's `ios.roots`. */
  readonly appleRoots: readonly string[];
  /** An Android key attestation chain for a key. */
  android(options: AndroidAttestationOptions): SimulatedAndroidAttestation;
  /** A new App Attest key attested over `options.clientDataHash`. */
  appAttest(options: AppAttestOptions): SimulatedAppAttestKey;
  /**
   * An App Attest provider for `IosKeychainKeyStore`'s `appAttest` option: it attests each new
   * key over the `clientDataHash` the adapter computes.
   */
  appAttestProvider(options: Omit<AppAttestOptions, 'clientDataHash'>): AppAttestProvider;
  /** An App Attest key this authority issued, by key id (to make assertions with it). */
  appAttestKey(keyId: string): SimulatedAppAttestKey | undefined;
}

/**
 * Creates a simulated attestation service. Its chains and objects have the shape of real ones
 * (remotely provisioned and factory Android chains with a full KeyDescription; App Attest
 * objects with receipt, nonce and COSE key; assertions with a counter) but chain to the
 * authority's own roots, and each option or fault produces one refusal of the verifier.
 *
 * @throws `INVALID_ARGUMENT` for malformed options.
 * @example
 * ```ts
 * import { createAttestationAuthority } from 'devicebind/testing';
 * import { verifyAndroidKeyAttestation } from 'devicebind/server/attestation';
 *
 * const authority = createAttestationAuthority();
 * const { x5c } = authority.android({ publicKey: jwk, challenge, deviceLocked: false });
 * await verifyAndroidKeyAttestation(x5c, {
 *   expectedChallenge: challenge, roots: authority.androidRoots, revocation: false,
 * }); // rejects: ATTESTATION_FAILED, detail.reason "device_unlocked"
 * ```
 */
export function createAttestationAuthority(
  options: AttestationAuthorityOptions = {},
): AttestationAuthority {
  const { now = Date.now } = assertObject(options);
  assertFunction(now, 'options.now');
  let android: AndroidAttestationIssuer | undefined;
  let apple: AppAttestIssuer | undefined;
  const androidIssuer = () => (android ??= new AndroidAttestationIssuer(now));
  const appleIssuer = () => (apple ??= new AppAttestIssuer(now));
  const keys = new Map<string, SimulatedAppAttestKey>();
  const appAttest = (attestOptions: AppAttestOptions) => {
    const key = appleIssuer().attest(attestOptions);
    keys.set(key.keyId, key);
    return key;
  };
  return {
    get androidRoots() {
      return [androidIssuer().rootPem];
    },
    get appleRoots() {
      return [appleIssuer().rootPem];
    },
    android: (attestOptions) => androidIssuer().attest(attestOptions),
    appAttest,
    appAttestProvider(providerOptions) {
      return async (request) => {
        const key = appAttest({ ...providerOptions, clientDataHash: request.clientDataHash });
        return { keyId: key.keyId, attestationObject: key.attestationObject };
      };
    },
    appAttestKey: (keyId) => keys.get(keyId),
  };
}
