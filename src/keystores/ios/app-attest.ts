// Key attestation on iOS through App Attest: the app attests its App Attest key over a hash
// that binds the new device key (and the server's challenge), and the adapter keeps the result.

import { encodeBase64url } from '../../core/base64url.js';
import { DeviceBindingError, fail } from '../../core/errors.js';
import type { PublicJwk } from '../../core/jwk.js';
import type { KeyPurpose } from '../contract.js';

/** What the adapter asks the app to attest after it made a key. */
export interface AppAttestRequest {
  readonly alias: string;
  readonly purpose: KeyPurpose;
  /** The new key's public JWK. */
  readonly publicKey: PublicJwk;
  /** The server challenge from `KeySpec.attestationChallenge`, if any. */
  readonly challenge?: Uint8Array;
  /**
   * Pass this as `clientDataHash` to `DCAppAttestService.attestKey`: SHA-256 over the RFC 7638
   * canonical JSON of `publicKey` followed by `challenge`, so the attestation vouches for
   * this key and this challenge.
   */
  readonly clientDataHash: Uint8Array;
}

/** An App Attest result: the App Attest key id and the attestation object Apple returned. */
export interface AppAttestResult {
  readonly keyId: string;
  readonly attestationObject: Uint8Array;
}

/**
 * Produces an App Attest attestation for a new key, or `null` to leave the key unattested.
 * The app implements it with `DCAppAttestService` (the adapter cannot: App Attest keys and
 * their one-time attestation belong to the app).
 */
export type AppAttestProvider = (
  request: AppAttestRequest,
) => Promise<AppAttestResult | null | undefined>;

const KEY_ID = /^[A-Za-z0-9+/=_-]{1,200}$/;
const MAX_ATTESTATION_OBJECT = 64 * 1024;

/**
 * @internal Runs the app's provider and checks what it returns.
 * @throws `INVALID_ARGUMENT` for a malformed result; `KEYSTORE_ERROR` when the provider fails.
 */
export async function runAppAttest(
  provider: AppAttestProvider,
  request: AppAttestRequest,
): Promise<{ keyId: string; attestationObject: string } | undefined> {
  let result: AppAttestResult | null | undefined;
  try {
    result = await provider(request);
  } catch (err) {
    if (err instanceof DeviceBindingError) throw err;
    throw new DeviceBindingError(
      'KEYSTORE_ERROR',
      'the "options.appAttest" provider failed; the key was not kept',
      {
        cause: err,
      },
    );
  }
  if (result === null || result === undefined) return undefined;
  const { keyId, attestationObject } = result;
  if (typeof keyId !== 'string' || !KEY_ID.test(keyId)) {
    fail(
      'INVALID_ARGUMENT',
      '"options.appAttest" must resolve to { keyId, attestationObject } with keyId a base64 key id',
    );
  }
  if (
    !(attestationObject instanceof Uint8Array) ||
    attestationObject.length === 0 ||
    attestationObject.length > MAX_ATTESTATION_OBJECT
  ) {
    fail(
      'INVALID_ARGUMENT',
      '"options.appAttest" must resolve to an attestationObject Uint8Array of at most 64 KiB',
    );
  }
  return { keyId, attestationObject: encodeBase64url(attestationObject) };
}
