// The one error type of the SDK: a stable machine-readable code, a message that says what
// to do next, and the underlying error as `cause`.

/**
 * Every code a {@link DeviceBindingError} can carry. Codes are stable across minor versions.
 *
 * - `INVALID_ARGUMENT`: an argument has the wrong type or shape; the message names it.
 * - `KEY_NOT_FOUND`: no key under that alias (never generated, or deleted).
 * - `KEY_INVALIDATED`: the platform invalidated the key (e.g. new biometric enrolment).
 * - `KEY_UNAVAILABLE`: a key is recorded but cannot be loaded (corrupt or unavailable storage).
 * - `USER_CANCELLED`: the user dismissed an authentication prompt.
 * - `USER_AUTHENTICATION_REQUIRED`: the key needs a fresh user authentication first.
 * - `AUTHENTICATION_FAILED`: the user failed to authenticate.
 * - `LOCKED_OUT`: biometrics are locked out after too many attempts.
 * - `UNSUPPORTED_ALGORITHM`: the algorithm or key type is not allowed or not supported here.
 * - `KEYSTORE_ERROR`: the key store (or its native bridge) failed or returned malformed data.
 * - `TIMEOUT`: a key-store or bridge call did not answer in time.
 * - `PROTOCOL_MISMATCH`: the native bridge speaks another protocol version.
 * - `CRYPTO_UNAVAILABLE`: no WebCrypto here; pass the pure-JS backend as `crypto`.
 * - `INVALID_HANDSHAKE`: a handshake token failed verification.
 * - `INVALID_PROOF`: a DPoP request proof failed verification.
 * - `REPLAYED`: a proof's `jti` was seen before.
 * - `REPLAY_CHECK_FAILED`: the replay cache could not say whether a proof is new (it failed,
 *   or is full of live ids); the proof is refused. Answer 503: the client may retry later.
 * - `NONCE_REQUIRED`: the server requires a (fresh) nonce; retry with the `DPoP-Nonce` it sent.
 * - `NONCE_UNREADABLE`: the server demands a DPoP nonce that the client cannot read (on another
 *   origin, CORS hides `DPoP-Nonce` unless the server sends
 *   `Access-Control-Expose-Headers: DPoP-Nonce, WWW-Authenticate`). Fix the server's CORS answer.
 * - `INVALID_ENVELOPE`: an envelope, stream or sealed value could not be opened.
 * - `ATTESTATION_FAILED`: key attestation evidence did not meet the policy (see `detail.reason`).
 * - `ROTATION_CONFLICT`: a key rotation cannot go this way from where it is (one is pending,
 *   previous keys are still kept, or it was already committed or aborted); the message says
 *   what to call.
 * - `INVALID_ROTATION`: a rotation token failed verification (`detail.reason` says why;
 *   `already_bound`: the new key is bound to another device, answer 409).
 */
export type DeviceBindingErrorCode =
  | 'INVALID_ARGUMENT'
  | 'KEY_NOT_FOUND'
  | 'KEY_INVALIDATED'
  | 'KEY_UNAVAILABLE'
  | 'USER_CANCELLED'
  | 'USER_AUTHENTICATION_REQUIRED'
  | 'AUTHENTICATION_FAILED'
  | 'LOCKED_OUT'
  | 'UNSUPPORTED_ALGORITHM'
  | 'KEYSTORE_ERROR'
  | 'TIMEOUT'
  | 'PROTOCOL_MISMATCH'
  | 'CRYPTO_UNAVAILABLE'
  | 'INVALID_HANDSHAKE'
  | 'INVALID_PROOF'
  | 'REPLAYED'
  | 'REPLAY_CHECK_FAILED'
  | 'NONCE_REQUIRED'
  | 'NONCE_UNREADABLE'
  | 'INVALID_ENVELOPE'
  | 'ATTESTATION_FAILED'
  | 'ROTATION_CONFLICT'
  | 'INVALID_ROTATION';

/**
 * Why a verification failed, for operators who count failures without parsing messages.
 *
 * - `missing`: a required claim, header or member is absent.
 * - `malformed`: it is present but not of the required form.
 * - `mismatch`: it differs from what the verifier expected (`expected` and `actual` say how).
 * - `stale`: it was issued too long ago.
 * - `future`: it was issued in the future (beyond the clock tolerance).
 * - `expired` / `not_yet_valid`: outside its own validity window.
 * - `unsupported`: an algorithm or key type outside the allowlist.
 * - `invalid_signature`: the signature does not verify.
 * - `replayed`: seen before.
 * - `duplicate`: present more than once.
 * - `too_long`: longer than the verifier accepts.
 * - `unavailable`: a dependency of the check (replay cache, revocation list) did not answer.
 *
 * Attestation (`ATTESTATION_FAILED`, `devicebind/server/attestation`; docs/attestation.md)
 * also uses `missing`, `malformed`, `unsupported`, `invalid_signature`, `expired`,
 * `not_yet_valid` and `unavailable` (the status list), and adds:
 *
 * - `untrusted_root`: the chain does not lead to a pinned root.
 * - `broken_chain`: a certificate names another issuer than the next one.
 * - `chain_extended`: a certificate other than the leaf carries the attestation extension.
 * - `not_a_ca`: an issuing certificate is not a certificate authority.
 * - `revoked` / `suspended`: a certificate of the chain is in Google's status list.
 * - `key_mismatch`: the attested key is not the expected key.
 * - `challenge_mismatch`: the evidence was made for another challenge.
 * - `software_key`: the key (or its attestation) is in software.
 * - `security_level`: the key is in a lower security level than required.
 * - `not_generated`: the key was imported, not generated on the device.
 * - `wrong_purpose`: the key's purposes do not fit its role.
 * - `wrong_app`: the key belongs to another app.
 * - `device_unlocked`: the device's bootloader was unlocked.
 * - `boot_not_verified`: the device did not boot a verified system.
 * - `patch_level`: the device's security patch is older than allowed.
 * - `development_environment`: an App Attest development key where production is required.
 * - `counter`: an App Attest counter that is not 0 (attestation) or did not rise (assertion).
 */
export type VerificationFailureReason =
  | 'missing'
  | 'malformed'
  | 'mismatch'
  | 'stale'
  | 'future'
  | 'expired'
  | 'not_yet_valid'
  | 'unsupported'
  | 'invalid_signature'
  | 'replayed'
  | 'duplicate'
  | 'too_long'
  | 'unavailable'
  | (string & {});

/**
 * Structured detail of a verification failure, beside the human message. Envelope opening
 * never carries one: its single failure is deliberate (no decryption oracle).
 *
 * @example
 * ```ts
 * if (err instanceof DeviceBindingError && err.detail?.claim === 'htu') metrics.htuMismatch++;
 * ```
 */
export interface DeviceBindingErrorDetail {
  /** What failed: a claim (`htu`, `ath`, `iat`), a header (`DPoP`), or a member. */
  readonly claim?: string;
  /** Why it failed. */
  readonly reason: VerificationFailureReason;
  /** What the verifier expected, when that is not a secret (URLs, methods). */
  readonly expected?: string;
  /** What it found, when that is not a secret. */
  readonly actual?: string;
}

const BRAND: unique symbol = Symbol.for('devicebind.DeviceBindingError');

/** Options accepted by the {@link DeviceBindingError} constructor. */
export interface DeviceBindingErrorOptions {
  /** The underlying error, kept for debugging. Never contains key material. */
  cause?: unknown;
  /** Structured detail of a verification failure. */
  detail?: DeviceBindingErrorDetail;
}

/**
 * The error every devicebind operation rejects with.
 *
 * @example
 * ```ts
 * try {
 *   await binding.signRequest({ method: 'GET', url });
 * } catch (err) {
 *   if (err instanceof DeviceBindingError && err.code === 'KEY_INVALIDATED') {
 *     await binding.unbind(); // then sign in again and send a new handshake
 *   }
 * }
 * ```
 */
export class DeviceBindingError extends Error {
  /** A stable, machine-readable code. */
  readonly code: DeviceBindingErrorCode;
  /** Which claim failed and why, for verification failures (absent for other errors). */
  readonly detail?: DeviceBindingErrorDetail;

  constructor(
    code: DeviceBindingErrorCode,
    message: string,
    options: DeviceBindingErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DeviceBindingError';
    this.code = code;
    if (options.detail !== undefined) this.detail = options.detail;
    Object.defineProperty(this, BRAND, { value: true });
  }

  /**
   * Whether `value` is a DeviceBindingError. The ESM and CommonJS builds (or two installed
   * copies) each define this class; a brand keeps `instanceof` true for errors from any of them.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[BRAND] === true
    );
  }
}

/** Whether `value` is a {@link DeviceBindingError}, optionally with the given code. */
export function isDeviceBindingError(
  value: unknown,
  code?: DeviceBindingErrorCode,
): value is DeviceBindingError {
  return value instanceof DeviceBindingError && (code === undefined || value.code === code);
}

/** @internal Shorthand used across the SDK. */
export function fail(code: DeviceBindingErrorCode, message: string, cause?: unknown): never {
  throw new DeviceBindingError(code, message, { cause });
}

/** @internal Throws a verification failure with its structured detail. */
export function refuse(
  code: DeviceBindingErrorCode,
  message: string,
  detail: DeviceBindingErrorDetail,
  cause?: unknown,
): never {
  throw new DeviceBindingError(code, message, { cause, detail });
}

/**
 * @internal `err` itself when it is a DeviceBindingError, else one with `code` and `message`
 * that keeps `err` as its `cause`.
 */
export function asDeviceBindingError(
  err: unknown,
  code: DeviceBindingErrorCode,
  message: string,
): DeviceBindingError {
  return err instanceof DeviceBindingError
    ? err
    : new DeviceBindingError(code, message, { cause: err });
}

/** @internal Runs `operation`; what it throws is rethrown through {@link asDeviceBindingError}. */
export async function wrapErrors<T>(
  code: DeviceBindingErrorCode,
  message: string,
  operation: () => Promise<T>,
): Promise<T> {
  try {
    return await operation();
  } catch (err) {
    throw asDeviceBindingError(err, code, message);
  }
}
